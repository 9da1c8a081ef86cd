package dev.enrollkit

import java.io.File
import java.security.KeyFactory
import java.security.spec.PKCS8EncodedKeySpec
import java.util.Base64
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** One test per public capability of the binding (see bindings/capabilities.toml). */
class EnrollkitTest {
    private val fixtures = File(System.getProperty("enrollkit.fixtures") ?: "../fixtures").canonicalFile
    private val repo = fixtures.parentFile.parentFile
    private fun fixture(name: String) = File(fixtures, name).readBytes()

    // The fixture certificates are valid from 2026-11-23 for 20 years.
    private val verifyTime = 1_893_456_000L

    private fun enrollmentSpec() = EnrollmentSpec(
        identifier = "com.example.enroll",
        organization = "Example Corp",
        serverUrl = "https://mdm.example.com/mdm",
        checkInUrl = "https://mdm.example.com/checkin",
        topic = "com.apple.mgmt.External.2f9c1c7e",
        identity = IdentitySpec.Scep(
            ScepSpec(
                url = "https://mdm.example.com/scep",
                challenge = "one-time-challenge",
                subject = listOf(SubjectAttribute("O", "Example Corp")),
                keySize = 2048L,
            )
        ),
        enrollment = EnrollmentTypeSpec.Device,
    )

    private fun p256Identity() = Identity.fromPemOrDer(fixture("signer-p256.key"), fixture("signer-p256.pem"))

    @Test
    fun buildEnrollmentProfile() {
        val profile = buildEnrollmentProfile(enrollmentSpec())
        val xml = String(profile.toXml())
        assertTrue(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
        assertTrue(xml.contains("<string>com.apple.mdm</string>"))
        // Deterministic UUIDs: same spec, same bytes.
        assertArrayEquals(profile.toXml(), buildEnrollmentProfile(enrollmentSpec()).toXml())
    }

    @Test
    fun readAndWriteProfile() {
        val profile = buildEnrollmentProfile(enrollmentSpec())
        val binary = profile.toBinary()
        assertEquals("bplist00", String(binary.copyOfRange(0, 8)))
        val again = Profile.read(binary)
        assertEquals(ProfileFormat.BINARY, again.sourceFormat())
        assertArrayEquals(profile.toXml(), again.toXml())
        assertNull(again.signedContainer())
    }

    @Test
    fun inspectProfile() {
        val info = buildEnrollmentProfile(enrollmentSpec()).info()
        assertEquals("com.example.enroll", info.identifier)
        assertEquals(listOf("com.apple.security.scep", "com.apple.mdm"), info.payloads.map { it.payloadType })
        val mdm = info.mdm!!
        assertEquals(info.payloads[0].uuid, mdm.identityCertificateUuid)
        assertEquals(8191u, mdm.accessRights)
    }

    @Test
    fun errorsCarryCodeMessageRemediation() {
        val e = assertThrows<EnrollkitException> { Profile.read("not a plist".toByteArray()) }
        assertEquals("PRF005", e.code())
        assertTrue(e.remediation().isNotEmpty())
        // The readable message, not a field dump.
        assertEquals(e.message(), e.toString())
        assertEquals(e.message(), e.message)
        assertFalse(e.toString().contains("code="))
        assertTrue(e.toString().startsWith("not a property list"))
    }

    @Test
    fun signAndVerify() {
        val xml = buildEnrollmentProfile(enrollmentSpec()).toXml()
        val signed = Signer(p256Identity()).sign(xml, verifyTime)
        val store = TrustStore(listOf(fixture("ca.pem")))
        val result = store.verify(signed, verifyTime)
        assertEquals(VerdictKind.VERIFIED, result.verdict)
        assertArrayEquals(xml, result.content)
        assertEquals(VerdictKind.NOT_VERIFIED, TrustStore(listOf(fixture("other.pem"))).verify(signed, verifyTime).verdict)
        val tampered = signed.copyOf().also { it[it.size / 2] = (it[it.size / 2].toInt() xor 1).toByte() }
        assertEquals(VerdictKind.INVALID, store.verify(tampered, verifyTime).verdict)
        assertEquals(VerdictKind.UNSIGNED, store.verify(xml, verifyTime).verdict)
        assertArrayEquals(signed, Profile.read(signed).signedContainer())
    }

    @Test
    fun signWithPkcs12Identity() {
        val identity = Identity.fromPkcs12(fixture("signer-rsa.p12"), "secret")
        assertEquals("rsa-2048", identity.keyAlgorithm())
        val signed = Signer(identity, "sha256", true).sign("payload".toByteArray(), verifyTime)
        assertEquals(VerdictKind.VERIFIED, TrustStore(listOf(fixture("ca.pem"))).verify(signed, verifyTime).verdict)
        val e = assertThrows<EnrollkitException> { Identity.fromPkcs12(fixture("signer-rsa.p12"), "wrong") }
        assertEquals("CMS009", e.code())
    }

    @Test
    fun externalSigner() {
        val pem = String(fixture("signer-p256.key"))
            .replace(Regex("-----[A-Z ]+-----"), "").replace(Regex("\\s"), "")
        val key = KeyFactory.getInstance("EC").generatePrivate(PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)))
        val certDer = parseCertificates(fixture("signer-p256.pem"))
        val seen = mutableListOf<SignatureAlgorithm>()
        val hsm = object : ExternalSigner {
            override fun certificateChain(): List<ByteArray> = certDer
            override fun sign(message: ByteArray, algorithm: SignatureAlgorithm): ByteArray {
                seen.add(algorithm)
                return java.security.Signature.getInstance("SHA256withECDSA").run {
                    initSign(key); update(message); sign()
                }
            }
        }
        val signed = Signer(Identity.external(hsm)).sign("external".toByteArray(), verifyTime)
        assertEquals(listOf(SignatureAlgorithm.ECDSA_SHA256), seen)
        assertEquals(VerdictKind.VERIFIED, TrustStore(listOf(fixture("ca.pem"))).verify(signed, verifyTime).verdict)
        val broken = object : ExternalSigner {
            override fun certificateChain(): List<ByteArray> = certDer
            override fun sign(message: ByteArray, algorithm: SignatureAlgorithm): ByteArray =
                throw ExternalSignerFailure.Failed("HSM offline")
        }
        val e = assertThrows<EnrollkitException> { Signer(Identity.external(broken)).sign("x".toByteArray(), null) }
        assertTrue(e.message().contains("HSM offline"), e.message())
    }

    @Test
    fun signFromManyThreads() {
        val signer = Signer(p256Identity())
        val store = TrustStore(listOf(fixture("ca.pem")))
        val pool = Executors.newFixedThreadPool(8)
        val results = (0 until 8).map { i ->
            pool.submit(Callable {
                val content = "<plist><string>$i</string></plist>".toByteArray()
                (0 until 10).all { store.verify(signer.sign(content, verifyTime), verifyTime).content!!.contentEquals(content) }
            })
        }.map { it.get() }
        pool.shutdown()
        assertEquals(List(8) { true }, results)
    }

    @Test
    fun encryptAndDecrypt() {
        val secret = "<plist><dict/></plist>".toByteArray()
        val enveloped = encrypt(secret, fixture("signer-rsa.pem"), "aes256-cbc")
        assertArrayEquals(secret, decrypt(enveloped, fixture("signer-rsa.key")))
        assertThrows<EnrollkitException> { decrypt(enveloped, fixture("other.key")) }
    }

    @Test
    fun webEnrollmentFlow() {
        val settings = """{"require_idp_auth":true,"require_mfa":false,"jit_registration":true,
            "default_ownership":"personal","enrollment_type":"profile_driven",
            "profile":{"identifier":"com.example.enroll","name":"byod"}}"""
        var state = webFlowNew()
        assertEquals("awaiting_portal", webFlowState(state))
        val events = listOf(
            """{"at":"2024-05-02T09:00:00Z","type":"portal_opened","platform":"ios","os_version":"17.4"}""",
            """{"at":"2024-05-02T09:01:00Z","type":"idp_assertion","mfa_completed":true,
               "identity":{"issuer":"https://login.example.com","subject":"00u8","email":"dana.lee@example.com"}}""",
            """{"at":"2024-05-02T09:02:00Z","type":"profile_downloaded"}""",
        )
        for (event in events) state = webFlowHandle(state, settings, event).stateJson
        assertTrue(webFlowStatus(state, "2024-05-02T09:05:00Z").contains("\"seconds_left\":300"))
        val late = webFlowHandle(state, settings, """{"at":"2024-05-02T09:11:00Z","type":"profile_installed"}""")
        assertEquals("failed", late.state)
        assertEquals("FLOW107", late.diagnostics[0].code)
        assertEquals("error", late.diagnostics[0].severity)
    }

    @Test
    fun loginWindowFlow() {
        val policy = """{"org_name":"Example","macos":{"enabled":true}}"""
        val state = loginFlowNew("""{"os":"macos","accounts":[{"name":"admin","managed":false}]}""")
        assertEquals("idle", loginFlowState(state))
        assertTrue(loginFlowView(state, policy).contains("Sign in with Example"))
        val step = loginFlowHandle(state, policy, """{"at":"2024-05-02T09:00:00Z","type":"sign_in_selected"}""")
        assertEquals("authenticating", step.state)
    }

    @Test
    fun deriveAccountNameAndPin() {
        val identity = """{"issuer":"i","subject":"s","email":"Dana.Lee@example.com"}"""
        assertEquals("dana.lee", deriveAccountName("macos", identity, listOf("admin")).name)
        val e = assertThrows<EnrollkitException> { deriveAccountName("macos", identity, listOf("dana.lee")) }
        assertEquals("FLOW204", e.code())
        assertThrows<EnrollkitException> { validateAccountName("windows", "bad/name") }
        assertNull(validatePin("402913"))
        assertEquals("FLOW209", validatePin("123456")?.code)
        assertEquals("FLOW207", validatePin("12", 6u, 127u, true)?.code)
    }

    @Test
    fun windowsPackage() {
        val spec = File(repo, "examples/windows/onboarding.toml").readText()
        val msi = File(repo, "examples/windows/assets/agent.msi").readBytes()
        // The config's { env = "NAME" } secrets, as a CI job would set them.
        val secrets = Regex("\"(\\w+)\": \"([^\"]+)\"")
            .findAll(File(repo, "bindings/fixtures/package-secrets.json").readText())
            .associate { it.groupValues[1] to it.groupValues[2] }
        val pkg = generateWindowsPackage(spec, listOf(PackageFile("assets/agent.msi", msi)), null, secrets)
        assertTrue(pkg.diagnostics.none { it.severity == "error" })
        assertEquals("/Build-ProvisioningPackage", pkg.icdArguments[0])
        assertTrue(String(pkg.answerFile).contains("WindowsCustomizations"))
        assertTrue(pkg.files.any { it.path == "assets/enrollkit-hello-pin-policy.cmd" })
        val missing = assertThrows<EnrollkitException> {
            generateWindowsPackage(spec, listOf(PackageFile("assets/agent.msi", msi)), null, null)
        }
        assertEquals("PPKG505", missing.code())
        val findings = validateAnswerFile(File(repo, "examples/windows/bad-customizations.xml").readBytes())
        assertTrue(findings.any { it.severity == "error" && it.code.startsWith("PPKG") })
    }

    @Test
    fun lintAndInstallCheck() {
        val ios = LintOptions(platform = "ios")
        val mine = buildEnrollmentProfile(enrollmentSpec()).toXml()
        assertEquals(emptyList<Finding>(), lintProfile(mine, ios))
        val other = buildEnrollmentProfile(enrollmentSpec().copy(identifier = "com.other.enroll")).toXml()
        val check = checkInstall(other, listOf(mine), ios)
        assertEquals("rejected", check.outcome)
        assertTrue(check.diagnostics[0].message.contains("does not match the old payload"))
        assertEquals("com.example.enroll", checkInstall(mine, listOf(mine), ios).replaces)
        val e = assertThrows<EnrollkitException> { lintProfile(mine, LintOptions(platform = "amiga")) }
        assertEquals("ARG002", e.code())
    }

    // A detached signature made by the OpenSSL CLI: the shape of a device's Mdm-Signature.
    private fun opensslDetached(body: ByteArray): String {
        val dir = kotlin.io.path.createTempDirectory("enrollkit-kt").toFile()
        File(dir, "body").writeBytes(body)
        val p = ProcessBuilder(
            "openssl", "cms", "-sign", "-binary", "-outform", "DER", "-in", "body",
            "-signer", File(fixtures, "signer-p256.pem").path, "-inkey", File(fixtures, "signer-p256.key").path,
            "-out", "sig.der",
        ).directory(dir).redirectErrorStream(true).start()
        assertEquals(0, p.waitFor(), String(p.inputStream.readBytes()))
        return Base64.getEncoder().encodeToString(File(dir, "sig.der").readBytes()).also { dir.deleteRecursively() }
    }

    private val engineSettings = """{
        "base_url": "https://enroll.example.com/",
        "profile": {"identifier": "com.example.enroll", "organization": "Example Corp",
          "topic": "com.apple.mgmt.External.2f9c1c7e", "mdm_base_url": "https://enroll.example.com/mdm",
          "identity": {"kind": "scep", "url": "https://enroll.example.com/scep"}},
        "portal": {"ownership": "personal"},
        "oidc": {"issuer": "https://login.example.com", "client_id": "enrollkit",
          "authorization_endpoint": "https://login.example.com/authorize",
          "token_endpoint": "https://login.example.com/token",
          "redirect_uri": "https://enroll.example.com/oidc/callback"},
        "account_driven": {"domains": ["example.com"]},
        "secret_key": "binding-tests-secret-key-0123456789abcdef"
    }"""

    @Test
    fun parseAndVerifyCheckins() {
        val body = "<plist><dict><key>MessageType</key><string>CheckOut</string><key>Topic</key><string>t</string><key>UDID</key><string>U-1</string></dict></plist>".toByteArray()
        val info = parseCheckin(body)
        assertEquals(listOf("CheckOut", "udid", "U-1"), listOf(info.messageType, info.deviceKind, info.deviceId))
        val e = assertThrows<EnrollkitException> { parseCheckin("nope".toByteArray()) }
        assertEquals(listOf("PROT002", "protocol"), listOf(e.code(), e.area()))
        val header = opensslDetached(body)
        val subject = verifyMdmSignature(body, header, fixture("ca.pem"), null)
        assertTrue(subject.contains("CN="), subject)
        val bad = assertThrows<EnrollkitException> { verifyMdmSignature("other".toByteArray(), header, fixture("ca.pem"), null) }
        assertEquals("PROT007", bad.code())
    }

    @Test
    fun protocolEngineRoutesAndHandles() {
        val engine = ProtocolEngine(engineSettings, fixture("signer-p256.key"), fixture("signer-p256.pem"), fixture("ca.pem"), fixture("ca.pem"))
        val now = "2030-01-01T00:00:00Z"
        val wk = HttpRequest("GET", "https://example.com/.well-known/com.apple.remotemanagement?user-identifier=dana%40example.com", emptyList(), ByteArray(0))
        val route = engine.route(wk)
        assertEquals(listOf("well_known", "none"), listOf(route.route, route.lookup))
        val reply = engine.handle(wk, null, now)
        assertEquals(200, reply.status.toInt())
        val doc = org.json.JSONObject(String(reply.body))
        assertEquals("https://enroll.example.com/account/enroll", doc.getJSONArray("Servers").getJSONObject(0).getString("BaseURL"))

        val signed = Signer(p256Identity()).sign("<plist><dict><key>PRODUCT</key><string>iPhone17,1</string></dict></plist>".toByteArray(), verifyTime)
        val post = HttpRequest("POST", "https://enroll.example.com/account/enroll", listOf(HttpHeader("content-type", "application/pkcs7-signature")), signed)
        val challenge = engine.handle(post, null, now)
        assertEquals(401, challenge.status.toInt())
        assertTrue(challenge.headers.any { it.name == "www-authenticate" && it.value.contains("apple-as-web") })
        assertNull(challenge.enrollmentJson)

        val unknown = HttpRequest("PUT", "https://enroll.example.com/mdm/checkin/5b8c2f0e-1d3a-4e6b-9c7d-8e9f0a1b2c3d", emptyList(), "<plist/>".toByteArray())
        val refused = engine.handle(unknown, null, now)
        assertEquals(listOf(403, "PROT009"), listOf(refused.status.toInt(), refused.refusedCode))
        assertEquals("com.apple.unrecognized.device", org.json.JSONObject(String(refused.body)).getString("code"))
        val e = assertThrows<EnrollkitException> { engine.handle(unknown, "{not json", now) }
        assertEquals("ARG001", e.code())
    }
}
