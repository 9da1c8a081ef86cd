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
    OUTSIDE_ALLOWED_FOLDER = "IO004", Error,
        "A path named by a config leads outside the config's folder (absolute, `..` or a symlink) and no allowed root holds it.",
        "A config file must not make the tool read files it does not own, such as /etc/shadow or another user's keys.",
        "Keep assets next to the config, or name the outside folder with --allow-root.";
}
