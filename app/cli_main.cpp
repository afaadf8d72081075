#include "app/cli/cli.h"

int main(int argc, char** argv) {
    return optiscope::cli::runCli(argc, argv);
}
