// One test per public capability (see bindings/capabilities.toml). Run with
// `cargo build -p enrollkit-ffi && swift test` in bindings/swift.
import Foundation
import XCTest
#if canImport(CryptoKit)
import CryptoKit
#endif
@testable import Enrollkit

final class EnrollkitTests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../../fixtures").standardized
    var repo: URL { fixtures.appendingPathComponent("../..").standardized }
    // The fixture certificates are valid from 2026-11-23 for 20 years.
    let verifyTime: Int64 = 1_893_456_000

    func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(name))
    }

    func enrollmentSpec() -> EnrollmentSpec {
        EnrollmentSpec(
            identifier: "com.example.enroll",
            organization: "Example Corp",
            serverUrl: "https://mdm.example.com/mdm",
            checkInUrl: "https://mdm.example.com/checkin",
            topic: "com.apple.mgmt.External.2f9c1c7e",
            identity: .scep(ScepSpec(
                url: "https://mdm.example.com/scep",
                challenge: "one-time-challenge",
                subject: [SubjectAttribute(name: "O", value: "Example Corp")],
                keySize: 2048
            )),
            enrollment: .device
        )
    }

    func p256Identity() throws -> Identity {
        try Identity.fromPemOrDer(key: fixture("signer-p256.key"), certificate: fixture("signer-p256.pem"))
    }

    func testBuildEnrollmentProfile() throws {
        let profile = try buildEnrollmentProfile(spec: enrollmentSpec())
        let xml = String(decoding: try profile.toXml(), as: UTF8.self)
        XCTAssertTrue(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
        XCTAssertTrue(xml.contains("<string>com.apple.mdm</string>"))
        XCTAssertEqual(try profile.toXml(), try buildEnrollmentProfile(spec: enrollmentSpec()).toXml())
    }

    func testReadAndWriteProfile() throws {
        let profile = try buildEnrollmentProfile(spec: enrollmentSpec())
        let binary = try profile.toBinary()
        XCTAssertEqual(String(decoding: binary.prefix(8), as: UTF8.self), "bplist00")
        let again = try Profile.read(data: binary)
        XCTAssertEqual(again.sourceFormat(), .binary)
        XCTAssertEqual(try again.toXml(), try profile.toXml())
        // PropertyListSerialization is the independent oracle on Apple platforms.
        let plist = try PropertyListSerialization.propertyList(from: try profile.toXml(), format: nil)
        XCTAssertEqual((plist as? [String: Any])?["PayloadIdentifier"] as? String, "com.example.enroll")
    }

    func testInspectProfile() throws {
        let info = try buildEnrollmentProfile(spec: enrollmentSpec()).info()
        XCTAssertEqual(info.identifier, "com.example.enroll")
        XCTAssertEqual(info.payloads.map { $0.payloadType }, ["com.apple.security.scep", "com.apple.mdm"])
        XCTAssertEqual(info.mdm?.identityCertificateUuid, info.payloads[0].uuid)
        XCTAssertEqual(info.mdm?.accessRights, 8191)
    }

    func testErrorsCarryCodeMessageRemediation() throws {
        XCTAssertThrowsError(try Profile.read(data: Data("not a plist".utf8))) { error in
            guard let e = error as? EnrollkitError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.code(), "PRF005")
            XCTAssertFalse(e.remediation().isEmpty)
            XCTAssertEqual(e.localizedDescription, e.message())
            XCTAssertTrue(e.message().hasPrefix("not a property list"))
        }
    }

    func testSignAndVerify() throws {
        let xml = try buildEnrollmentProfile(spec: enrollmentSpec()).toXml()
        let signed = try Signer(identity: p256Identity()).sign(content: xml, signingTime: verifyTime)
        let store = try TrustStore(anchors: [fixture("ca.pem")])
        let result = try store.verify(data: signed, time: verifyTime)
        XCTAssertEqual(result.verdict, .verified)
        XCTAssertEqual(result.content, xml)
        XCTAssertEqual(try TrustStore(anchors: [fixture("other.pem")]).verify(data: signed, time: verifyTime).verdict, .notVerified)
        var tampered = signed
        tampered[tampered.count / 2] ^= 1
        XCTAssertEqual(try store.verify(data: tampered, time: verifyTime).verdict, .invalid)
        XCTAssertEqual(try store.verify(data: xml, time: verifyTime).verdict, .unsigned)
    }

    func testSignWithPkcs12Identity() throws {
        let identity = try Identity.fromPkcs12(data: fixture("signer-rsa.p12"), password: "secret")
        XCTAssertEqual(identity.keyAlgorithm(), "rsa-2048")
        let signed = try Signer(identity: identity, deterministic: true).sign(content: Data("payload".utf8), signingTime: verifyTime)
        XCTAssertEqual(try TrustStore(anchors: [fixture("ca.pem")]).verify(data: signed, time: verifyTime).verdict, .verified)
        XCTAssertThrowsError(try Identity.fromPkcs12(data: fixture("signer-rsa.p12"), password: "wrong"))
    }

    final class FailingSigner: ExternalSigner, @unchecked Sendable {
        let chain: [Data]
        init(chain: [Data]) { self.chain = chain }
        func certificateChain() -> [Data] { chain }
        func sign(message: Data, algorithm: SignatureAlgorithm) throws -> Data {
            throw ExternalSignerFailure.Failed(reason: "HSM offline")
        }
    }

    func testExternalSigner() throws {
        let chain = try parseCertificates(data: fixture("signer-p256.pem"))
        XCTAssertThrowsError(try Signer(identity: Identity.external(signer: FailingSigner(chain: chain)))
            .sign(content: Data("x".utf8), signingTime: nil)) { error in
            XCTAssertTrue((error as? EnrollkitError)?.message().contains("HSM offline") ?? false)
        }
        #if canImport(CryptoKit)
        final class KeychainSigner: ExternalSigner, @unchecked Sendable {
            let chain: [Data]; let key: P256.Signing.PrivateKey
            init(chain: [Data], key: P256.Signing.PrivateKey) { self.chain = chain; self.key = key }
            func certificateChain() -> [Data] { chain }
            func sign(message: Data, algorithm: SignatureAlgorithm) throws -> Data {
                try key.signature(for: message).derRepresentation
            }
        }
        let pem = String(decoding: try fixture("signer-p256.key"), as: UTF8.self)
        let key = try P256.Signing.PrivateKey(pemRepresentation: pem)
        let signed = try Signer(identity: Identity.external(signer: KeychainSigner(chain: chain, key: key)))
            .sign(content: Data("external".utf8), signingTime: verifyTime)
        XCTAssertEqual(try TrustStore(anchors: [fixture("ca.pem")]).verify(data: signed, time: verifyTime).verdict, .verified)
        #endif
    }

    func testSignFromManyThreads() throws {
        let signer = try Signer(identity: p256Identity())
        let store = try TrustStore(anchors: [fixture("ca.pem")])
        let ok = UnsafeMutablePointer<Bool>.allocate(capacity: 8)
        defer { ok.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let content = Data("<plist><string>\(i)</string></plist>".utf8)
            ok[i] = (0..<10).allSatisfy { _ in
                (try? store.verify(data: signer.sign(content: content, signingTime: verifyTime), time: verifyTime).content) == content
            }
        }
        XCTAssertTrue((0..<8).allSatisfy { ok[$0] })
    }

    func testEncryptAndDecrypt() throws {
        let secret = Data("<plist><dict/></plist>".utf8)
        let enveloped = try encrypt(content: secret, recipientCertificate: fixture("signer-rsa.pem"))
        XCTAssertEqual(try decrypt(enveloped: enveloped, privateKey: fixture("signer-rsa.key")), secret)
        XCTAssertThrowsError(try decrypt(enveloped: enveloped, privateKey: fixture("other.key")))
    }

    func testWebEnrollmentFlow() throws {
        let settings = #"{"require_idp_auth":true,"require_mfa":false,"jit_registration":true,"default_ownership":"personal","enrollment_type":"profile_driven","profile":{"identifier":"com.example.enroll","name":"byod"}}"#
        var state = try webFlowNew()
        XCTAssertEqual(try webFlowState(stateJson: state), "awaiting_portal")
        for event in [
            #"{"at":"2024-05-02T09:00:00Z","type":"portal_opened","platform":"ios","os_version":"17.4"}"#,
            #"{"at":"2024-05-02T09:01:00Z","type":"idp_assertion","mfa_completed":true,"identity":{"issuer":"https://login.example.com","subject":"00u8","email":"dana.lee@example.com"}}"#,
            #"{"at":"2024-05-02T09:02:00Z","type":"profile_downloaded"}"#,
        ] {
            state = try webFlowHandle(stateJson: state, settingsJson: settings, eventJson: event).stateJson
        }
        XCTAssertTrue(try webFlowStatus(stateJson: state, now: "2024-05-02T09:05:00Z").contains("\"seconds_left\":300"))
        let late = try webFlowHandle(stateJson: state, settingsJson: settings, eventJson: #"{"at":"2024-05-02T09:11:00Z","type":"profile_installed"}"#)
        XCTAssertEqual(late.state, "failed")
        XCTAssertEqual(late.diagnostics.first?.code, "FLOW107")
    }

    func testLoginWindowFlow() throws {
        let policy = #"{"org_name":"Example","macos":{"enabled":true}}"#
        let state = try loginFlowNew(deviceJson: #"{"os":"macos","accounts":[{"name":"admin","managed":false}]}"#)
        XCTAssertEqual(try loginFlowState(stateJson: state), "idle")
        XCTAssertTrue(try loginFlowView(stateJson: state, policyJson: policy).contains("Sign in with Example"))
        let step = try loginFlowHandle(stateJson: state, policyJson: policy, eventJson: #"{"at":"2024-05-02T09:00:00Z","type":"sign_in_selected"}"#)
        XCTAssertEqual(step.state, "authenticating")
    }

    func testDeriveAccountNameAndPin() throws {
        let identity = #"{"issuer":"i","subject":"s","email":"Dana.Lee@example.com"}"#
        XCTAssertEqual(try deriveAccountName(os: "macos", identityJson: identity, existingAccounts: ["admin"]).name, "dana.lee")
        XCTAssertThrowsError(try deriveAccountName(os: "macos", identityJson: identity, existingAccounts: ["dana.lee"])) { error in
            XCTAssertEqual((error as? EnrollkitError)?.code(), "FLOW204")
        }
        XCTAssertThrowsError(try validateAccountName(os: "windows", name: "bad/name"))
        XCTAssertNil(try validatePin(pin: "402913"))
        XCTAssertEqual(try validatePin(pin: "123456")?.code, "FLOW209")
    }

    func testWindowsPackage() throws {
        let spec = try String(contentsOf: repo.appendingPathComponent("examples/windows/onboarding.toml"), encoding: .utf8)
        let msi = try Data(contentsOf: repo.appendingPathComponent("examples/windows/assets/agent.msi"))
        let secretsData = try Data(contentsOf: repo.appendingPathComponent("bindings/fixtures/package-secrets.json"))
        let secrets = try JSONDecoder().decode([String: String].self, from: secretsData)
        let pkg = try generateWindowsPackage(specToml: spec, assets: [PackageFile(path: "assets/agent.msi", data: msi)], secrets: secrets)
        XCTAssertTrue(pkg.files.contains { $0.path == "assets/enrollkit-hello-pin-policy.cmd" })
        XCTAssertThrowsError(try generateWindowsPackage(specToml: spec, assets: [PackageFile(path: "assets/agent.msi", data: msi)])) { error in
            XCTAssertEqual((error as? EnrollkitError)?.code(), "PPKG505")
        }
        XCTAssertFalse(pkg.diagnostics.contains { $0.severity == "error" })
        XCTAssertEqual(pkg.icdArguments.first, "/Build-ProvisioningPackage")
        let findings = try validateAnswerFile(xml: Data(contentsOf: repo.appendingPathComponent("examples/windows/bad-customizations.xml")))
        XCTAssertTrue(findings.contains { $0.severity == "error" })
    }

    func testLintAndInstallCheck() throws {
        let ios = LintOptions(platform: "ios")
        let mine = try buildEnrollmentProfile(spec: enrollmentSpec()).toXml()
        XCTAssertEqual(try lintProfile(data: mine, options: ios), [])
        var otherSpec = enrollmentSpec()
        otherSpec.identifier = "com.other.enroll"
        let other = try buildEnrollmentProfile(spec: otherSpec).toXml()
        let check = try checkInstall(profile: other, installed: [mine], options: ios)
        XCTAssertEqual(check.outcome, "rejected")
        XCTAssertEqual(try checkInstall(profile: mine, installed: [mine], options: ios).replaces, "com.example.enroll")
        XCTAssertThrowsError(try lintProfile(data: mine, options: LintOptions(platform: "amiga")))
    }

    // A detached signature made by the OpenSSL CLI: the shape of a device's Mdm-Signature.
    func opensslDetached(_ body: Data) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try body.write(to: dir.appendingPathComponent("body"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "cms", "-sign", "-binary", "-outform", "DER", "-in", "body",
                       "-signer", fixtures.appendingPathComponent("signer-p256.pem").path,
                       "-inkey", fixtures.appendingPathComponent("signer-p256.key").path, "-out", "sig.der"]
        p.currentDirectoryURL = dir
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return try Data(contentsOf: dir.appendingPathComponent("sig.der")).base64EncodedString()
    }

    let engineSettings = """
    {"base_url": "https://enroll.example.com/",
     "profile": {"identifier": "com.example.enroll", "organization": "Example Corp",
       "topic": "com.apple.mgmt.External.2f9c1c7e", "mdm_base_url": "https://enroll.example.com/mdm",
       "identity": {"kind": "scep", "url": "https://enroll.example.com/scep"}},
     "portal": {"ownership": "personal"},
     "oidc": {"issuer": "https://login.example.com", "client_id": "enrollkit",
       "authorization_endpoint": "https://login.example.com/authorize",
       "token_endpoint": "https://login.example.com/token",
       "redirect_uri": "https://enroll.example.com/oidc/callback"},
     "account_driven": {"domains": ["example.com"]},
     "secret_key": "binding-tests-secret-key-0123456789abcdef"}
    """

    func testParseAndVerifyCheckins() throws {
        let body = Data("<plist><dict><key>MessageType</key><string>CheckOut</string><key>Topic</key><string>t</string><key>UDID</key><string>U-1</string></dict></plist>".utf8)
        let info = try parseCheckin(body: body)
        XCTAssertEqual([info.messageType, info.deviceKind, info.deviceId], ["CheckOut", "udid", "U-1"])
        XCTAssertThrowsError(try parseCheckin(body: Data("nope".utf8))) { error in
            XCTAssertEqual((error as? EnrollkitError)?.code(), "PROT002")
            XCTAssertEqual((error as? EnrollkitError)?.area(), "protocol")
        }
        let header = try opensslDetached(body)
        let subject = try verifyMdmSignature(body: body, signatureHeader: header, anchors: fixture("ca.pem"))
        XCTAssertTrue(subject.contains("CN="))
        XCTAssertThrowsError(try verifyMdmSignature(body: Data("other".utf8), signatureHeader: header, anchors: fixture("ca.pem"))) { error in
            XCTAssertEqual((error as? EnrollkitError)?.code(), "PROT007")
        }
    }

    func testProtocolEngineRoutesAndHandles() throws {
        let engine = try ProtocolEngine(settingsJson: engineSettings, signerKey: fixture("signer-p256.key"),
                                        signerCertificate: fixture("signer-p256.pem"),
                                        deviceIdentityCa: fixture("ca.pem"), attestationCa: fixture("ca.pem"))
        let now = "2030-01-01T00:00:00Z"
        let wk = HttpRequest(method: "GET", url: "https://example.com/.well-known/com.apple.remotemanagement?user-identifier=dana%40example.com")
        let route = try engine.route(request: wk)
        XCTAssertEqual([route.route, route.lookup], ["well_known", "none"])
        let reply = try engine.handle(request: wk, now: now)
        XCTAssertEqual(reply.status, 200)
        let doc = try JSONSerialization.jsonObject(with: reply.body) as? [String: Any]
        let servers = doc?["Servers"] as? [[String: Any]]
        XCTAssertEqual(servers?.first?["BaseURL"] as? String, "https://enroll.example.com/account/enroll")

        let signed = try Signer(identity: p256Identity()).sign(content: Data("<plist><dict><key>PRODUCT</key><string>iPhone17,1</string></dict></plist>".utf8), signingTime: verifyTime)
        let post = HttpRequest(method: "POST", url: "https://enroll.example.com/account/enroll",
                               headers: [HttpHeader(name: "content-type", value: "application/pkcs7-signature")], body: signed)
        let challenge = try engine.handle(request: post, now: now)
        XCTAssertEqual(challenge.status, 401)
        XCTAssertTrue(challenge.headers.contains { $0.name == "www-authenticate" && $0.value.contains("apple-as-web") })
        XCTAssertNil(challenge.enrollmentJson)

        let unknown = HttpRequest(method: "PUT", url: "https://enroll.example.com/mdm/checkin/5b8c2f0e-1d3a-4e6b-9c7d-8e9f0a1b2c3d", body: Data("<plist/>".utf8))
        let refused = try engine.handle(request: unknown, now: now)
        XCTAssertEqual(refused.status, 403)
        XCTAssertEqual(refused.refusedCode, "PROT009")
        XCTAssertThrowsError(try engine.handle(request: unknown, enrollmentJson: "{not json", now: now)) { error in
            XCTAssertEqual((error as? EnrollkitError)?.code(), "ARG001")
        }
    }
}
