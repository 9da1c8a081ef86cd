// Verify a downloaded enrollment profile and report what it contains, with the enrollkit
// Swift package (bindings/swift):
//   VerifyAndLint <profile.mobileconfig> <trusted-ca.pem>
import Enrollkit
import Foundation

let args = CommandLine.arguments
guard args.count == 3 else {
    FileHandle.standardError.write(Data("usage: VerifyAndLint <profile.mobileconfig> <trusted-ca.pem>\n".utf8))
    exit(2)
}
do {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: args[1]))
    let anchors = [try Data(contentsOf: URL(fileURLWithPath: args[2]))]
    let verdict = try TrustStore(anchors: anchors).verify(data: bytes)
    print("signature: \(verdict.verdict)" + (verdict.reasonMessage.map { " (\($0))" } ?? ""))
    let info = try Profile.read(data: bytes).info()
    print("profile \(info.identifier ?? "?"): \(info.payloads.count) payloads")
    for payload in info.payloads {
        print("  \(payload.payloadType ?? "?")  \(payload.identifier ?? "?")")
    }
    if let mdm = info.mdm {
        print("MDM server \(mdm.serverUrl ?? "?"), topic \(mdm.topic ?? "?")")
    }
    let findings = try lintProfile(data: bytes, options: LintOptions(platform: "ios"))
    for f in findings {
        print("\(f.severity) \(f.code) \(f.keyPath): \(f.message) (\(f.remediation))")
    }
    exit(verdict.verdict == .verified && !findings.contains { $0.severity == "error" } ? 0 : 1)
} catch let error as EnrollkitError {
    FileHandle.standardError.write(Data("error \(error.code()): \(error.message()) (\(error.remediation()))\n".utf8))
    exit(1)
}
