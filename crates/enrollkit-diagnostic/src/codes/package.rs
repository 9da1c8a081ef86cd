//! Windows provisioning packages: answer-file validation, then parse, write, recipe, build and config errors.

crate::declare_codes! {
    area: Package;
    ID = "PPKG001", Error,
        "PackageConfig ID is a GUID",
        "ICD's PackageConfig schema; the ID is the package identity",
        "Set ID to a GUID such as {6aaa4dfa-00d7-4aaa-8adf-73c6a7e2501e} and keep it across versions";
    VERSION = "PPKG002", Error,
        "Version has exactly 2 or 4 numeric parts",
        "Schema pattern; `1.0.0` is rejected",
        "Use a version such as 1.0 or 1.0.0.0";
    OWNER = "PPKG003", Error,
        "OwnerType is a known owner type",
        "Schema enumeration; owner type decides precedence",
        "Use one of Microsoft, SiliconVendor, OEM, SystemIntegrator, MobileOperator, ITAdmin (IT departments: ITAdmin)";
    RANK = "PPKG004", Error,
        "Rank is an integer from 0 to 99",
        "Schema range",
        "Set Rank to a whole number between 0 and 99";
    NAME = "PPKG005", Error,
        "Name is present and not empty",
        "Required by the schema",
        "Give the package a Name";
    PC_NS = "PPKG006", Error,
        "PackageConfig uses its exact namespace",
        "Namespace URIs are case-sensitive (capital M)",
        "Use xmlns=\"urn:schemas-Microsoft-com:Windows-ICD-Package-Config.v1.0\" (capital M)";
    SETTINGS_NS = "PPKG007", Error,
        "Settings uses its exact namespace",
        "ICD looks settings up in that namespace",
        "Use xmlns=\"urn:schemas-microsoft-com:windows-provisioning\"";
    COMPUTER_NAME = "PPKG010", Error,
        "ComputerName is a valid NetBIOS name after macro expansion",
        "NetBIOS/DNS name rules",
        "Use at most 15 bytes of letters, digits and hyphens, plus %SERIAL% or %RAND:n%";
    USER_NAME = "PPKG011", Error,
        "Local user names follow the Windows account-name rules",
        "Windows account-name rules",
        "Use 1-20 characters without \" / \\ [ ] : ; | = , + * ? < > % @ or control characters, not ending in a period";
    USER_PASSWORD = "PPKG012", Error,
        "Local users have a password",
        "An account without password cannot be used at the login window",
        "Set a Password for every local user";
    HIDE_OOBE = "PPKG013", Error,
        "HideOobe comes with at least one local account",
        "Otherwise the device may end up with no usable sign-in",
        "Add a local administrator under Accounts/Users, or do not hide OOBE";
    RESERVED_USER = "PPKG014", Warning,
        "Local user names are not built-in account names",
        "Creating it clashes with the built-in account",
        "Pick a name other than Administrator, Guest, DefaultAccount, WDAGUtilityAccount or NONE";
    SERIAL_LENGTH = "PPKG015", Warning,
        "ComputerName leaves room for %SERIAL%",
        "Serials are often 7–12 characters; the name is cut or rejected",
        "Shorten the fixed part so that prefix plus an 8-character serial fits in 15 bytes";
    TWO_COMPUTER_NAMES = "PPKG016", Error,
        "One computer name setting",
        "Accounts/ComputerAccount/ComputerName and DevDetail/DNSComputerName both rename the device; which one wins is not documented",
        "Keep one of them (a merge of a vendor file with ours is where the second one usually comes from)";
    UPN = "PPKG020", Error,
        "Enrollment UPN looks like an address",
        "The UPN is the enrollment identity",
        "Use the enrollment identity in user@domain form";
    SECRET = "PPKG021", Error,
        "Enrollment Secret is present and not empty",
        "Enrollment cannot authenticate",
        "Set Secret to the enrollment password, token or certificate thumbprint";
    AUTH_POLICY = "PPKG022", Error,
        "AuthPolicy is OnPremise or Certificate",
        "The only values of the Provisioning CSP",
        "Set AuthPolicy to OnPremise or Certificate";
    CLIENT_CERT = "PPKG023", Error,
        "AuthPolicy Certificate comes with a client certificate",
        "The Secret is then a certificate thumbprint",
        "Add Certificates/ClientCertificates with the enrollment certificate, or use OnPremise";
    DISCOVERY = "PPKG024", Error,
        "DiscoveryServiceFullUrl is an https URL",
        "MDM discovery runs over TLS",
        "Set DiscoveryServiceFullUrl to https://<host>/EnrollmentServer/Discovery.svc";
    TWO_ENROLLMENTS = "PPKG025", Error,
        "At most one MDM enrollment",
        "A device enrolls in one MDM; a second Workplace/Enrollments entry fails or enrolls it in the wrong one",
        "Keep one UPN under Workplace/Enrollments";
    PLACEHOLDER_SECRET = "PPKG026", Error,
        "Secrets are real values, not placeholders",
        "A package built with CHANGE-ME, an example value or an empty secret fails on every device it touches (the enrollment is refused, the Wi-Fi does not join, the admin password is public)",
        "Put the real secret in the environment and reference it from the config as { env = \"NAME\" }";
    DEVICE_LINE = "PPKG030", Error,
        "DeviceContext has exactly one CommandLine",
        "One device-context command line per package",
        "Use a single CommandLine in DeviceContext (chain steps in one script), or move commands to PrimaryContext";
    FILE_NAMES = "PPKG031", Error,
        "Command and dependency file names are unique",
        "All files land in one directory on the device",
        "Rename the files so that every CommandFile and Dependency has its own file name";
    STORE = "PPKG032", Error,
        "ProvisioningCommands are built against the desktop settings store",
        "The common store has no ProvisioningCommands; ICD fails",
        "Build with the desktop store (Microsoft-Desktop-Provisioning.dat)";
    COMMAND_NAMES = "PPKG033", Error,
        "PrimaryContext command names are present and unique",
        "Commands are addressed by name",
        "Give every CommandConfig its own Name";
    COMMAND_LINE = "PPKG034", Error,
        "Command lines are not empty",
        "Nothing would run",
        "Write the command to run into CommandLine";
    SSID = "PPKG040", Error,
        "Wi-Fi SSID has 1-32 bytes",
        "802.11 SSID length",
        "Use the network name as broadcast, at most 32 bytes";
    WIFI_KEY = "PPKG041", Error,
        "Protected Wi-Fi networks have a usable key",
        "Otherwise the profile cannot connect",
        "Set SecurityKey: WPA2-Personal takes 8-63 printable ASCII characters or 64 hex digits";
    WIFI_SECURITY = "PPKG042", Error,
        "SecurityType is Open, WEP or WPA2-Personal",
        "The values the settings editor offers",
        "Set SecurityType to Open, WEP or WPA2-Personal; for WPA3 or enterprise networks use the package config's [[wifi]] security, which writes a WLAN profile instead";
    WEP = "PPKG043", Warning,
        "Wi-Fi does not use WEP",
        "WEP is broken",
        "Move the network to WPA2-Personal; WEP is broken";
    ENTERPRISE_VALIDATION = "PPKG044", Error,
        "Enterprise Wi-Fi names the RADIUS server and its root",
        "At first boot nobody can answer the server-trust prompt; without names and a root thumbprint the device either cannot connect or trusts any server",
        "Set server_names and trusted_root_ca_sha1 (the SHA-1 thumbprint of the RADIUS server's root CA)";
    SUITE192_EAP = "PPKG045", Error,
        "WPA3-Enterprise 192-bit mode uses EAP-TLS",
        "The 192-bit mode admits only EAP-TLS with Suite B ciphers",
        "Use eap = \"TLS\", or WPA3-Enterprise / WPA2-Enterprise for PEAP";
    PEAP_AT_OOBE = "PPKG046", Warning,
        "PEAP networks need a user's password when they connect",
        "At first boot no user has signed in, so the device cannot join a PEAP-MSCHAPv2 network unattended",
        "Use EAP-TLS with a machine certificate for the network the device enrolls over, or add a personal network for setup";
    RAW_SECTION = "PPKG090", Info,
        "Typed sections are recognized",
        "A section with unknown content is kept verbatim and its typed checks are skipped",
        "The section was kept verbatim and its typed checks were skipped; check it by hand";
    // Reading an answer file
    INPUT_TOO_LARGE = "PPKG101", Error,
        "The answer file is larger than the parser's input limit.",
        "A real customizations.xml is a few kilobytes; a huge input is refused before parsing.",
        "Check that the file is an answer file, or raise Limits::max_input_bytes.";
    TOO_DEEP = "PPKG102", Error,
        "Elements nest deeper than the parser's depth limit.",
        "Answer files nest a handful of levels; deep nesting is refused to bound memory and stack.",
        "Check the file, or raise Limits::max_depth.";
    TOO_MANY_NODES = "PPKG103", Error,
        "The document has more XML nodes than the parser's node limit.",
        "The limit bounds the memory a hostile file can claim.",
        "Check the file, or raise Limits::max_nodes.";
    ENCODING = "PPKG104", Error,
        "The answer file is not UTF-8.",
        "ICD writes and reads answer files as UTF-8.",
        "Save the file as UTF-8.";
    XML_MALFORMED = "PPKG105", Error,
        "The answer file is not well-formed XML.",
        "Neither ICD nor enrollkit can read a document that is not well-formed.",
        "Fix the XML at the reported offset.";
    XML_STRUCTURE = "PPKG106", Error,
        "The document is well-formed but not shaped like a document (no root element, a DOCTYPE, ...).",
        "Answer files are a single WindowsCustomizations element; DOCTYPEs are refused to rule out entity expansion.",
        "Supply a plain customizations.xml without DOCTYPE.";
    NOT_ANSWER_FILE = "PPKG107", Error,
        "The root is not WindowsCustomizations, or PackageConfig or Settings is missing.",
        "Windows Configuration Designer and icd.exe expect exactly this structure.",
        "Supply a Windows provisioning answer file (customizations.xml).";
    BAD_SETTING_VALUE = "PPKG108", Error,
        "A typed setting holds a value of the wrong kind (for example Maybe for a boolean).",
        "ICD rejects settings whose values do not fit their type.",
        "Write the value the setting expects (True/False, a number, ...).";
    // Writing an answer file
    WRITE_FAILED = "PPKG201", Error,
        "The XML writer failed.",
        "",
        "Report this as a bug with the input that caused it.";
    INVALID_ELEMENT_NAME = "PPKG202", Error,
        "An element has an empty or unusable name.",
        "XML element names cannot be empty or contain spaces and markup characters.",
        "Rename the element.";
    INVALID_COMMENT = "PPKG203", Error,
        "A comment contains -- or ends with -, which XML forbids.",
        "",
        "Remove the double hyphen from the comment.";
    // Command lines for the agent install
    UNSAFE_USER_NAME = "PPKG301", Error,
        "A user name cannot be placed into a command line safely.",
        "cmd.exe interprets characters such as & | < > ^ %; only A-Z a-z 0-9 . _ - are allowed, 1-20 of them.",
        "Use a user name of 1-20 characters from A-Z a-z 0-9 . _ -.";
    UNSAFE_FILE_NAME = "PPKG302", Error,
        "A file name cannot be placed into a command line safely.",
        "cmd.exe interprets special characters, and a path separator would leave the package's folder.",
        "Use a file name of 1-100 characters from A-Z a-z 0-9 . _ - with no leading dot.";
    UNSAFE_SECRET_TOKEN = "PPKG303", Error,
        "The agent connect key is empty or has characters that are unsafe in a command line.",
        "cmd.exe would interpret them, changing the command that runs at first boot.",
        "Use the connect key exactly as issued (A-Z a-z 0-9 . _ -).";
    UNSAFE_ARGUMENT = "PPKG304", Error,
        "An installer argument cannot be placed into a command line safely.",
        "cmd.exe would interpret its special characters.",
        "Use arguments from A-Z a-z 0-9 . _ - / : = +.";
    // Build plan
    MISSING_ASSET = "PPKG401", Error,
        "The answer file references a file that no asset supplies.",
        "icd.exe fails when a CommandFile or Dependency is missing.",
        "Supply the file, or remove the reference.";
    UNREFERENCED_ASSET = "PPKG402", Error,
        "An asset is supplied that nothing references.",
        "The package would carry a file nothing runs.",
        "Reference the asset from a command, or drop it.";
    DUPLICATE_ASSET = "PPKG403", Error,
        "Two assets share a file name (ignoring case).",
        "All files land in one folder on the device.",
        "Rename one of the files.";
    BAD_BUILD_OPTION = "PPKG404", Error,
        "A build option is not usable.",
        "",
        "Fix the option named in the message.";
    MANIFEST_FAILED = "PPKG405", Error,
        "The build manifest could not be serialized.",
        "",
        "Report this as a bug.";
    NOT_AN_MSI = "PPKG406", Error,
        "An asset named `.msi` is not a Windows Installer package (an OLE compound file); msiexec would fail on the device.",
        "",
        "Supply the agent's real MSI (it starts with the bytes D0 CF 11 E0 A1 B1 1A E1), not a download page or an error message saved under that name.";
    // Package configuration (TOML)
    CONFIG_SYNTAX = "PPKG501", Error,
        "The package config is not valid TOML of the expected shape.",
        "",
        "Fix the config at the reported line (see examples/windows/onboarding.toml).";
    CONFIG_VALUE = "PPKG502", Error,
        "A value in the package config is not acceptable.",
        "",
        "Fix the value named in the message.";
    CONFIG_MISSING_ASSET = "PPKG503", Error,
        "An asset named by the package config was not supplied.",
        "",
        "Supply every file the config names ([agent] msi, [merge] answer_file).";
    MERGE_CONFLICT = "PPKG504", Error,
        "The merged answer file would hold two MDM enrollments or two computer-name settings, one from each source.",
        "",
        "Remove one of them, or set [merge] precedence = \"ours\" or \"theirs\" to keep one side's.";
    CONFIG_MISSING_SECRET = "PPKG505", Error,
        "A secret in the package config reads an environment variable that is not set.",
        "",
        "Set the variable named in the message (for example in the CI job's secrets) and run again.";
}
