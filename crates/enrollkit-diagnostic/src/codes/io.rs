//! Reading input files and writing output.

crate::declare_codes! {
    area: Io;
    READ_FAILED = "IO001", Error,
        "An input file could not be read.",
        "",
        "Check the path and its permissions.";
    WRITE_FAILED = "IO002", Error,
        "An output file or the standard output could not be written.",
        "",
        "Check the path, its permissions and the free space.";
    FILE_TOO_LARGE = "IO003", Error,
        "An input file is larger than the command's input limit.",
        "The file is refused before it is loaded, so a huge file cannot exhaust memory.",
        "Check that the file is what the command expects.";
}
