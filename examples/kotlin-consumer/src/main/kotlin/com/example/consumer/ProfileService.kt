package com.example.consumer

import dev.enrollkit.EnrollmentSpec
import dev.enrollkit.EnrollmentTypeSpec
import dev.enrollkit.Identity
import dev.enrollkit.IdentitySpec
import dev.enrollkit.LintOptions
import dev.enrollkit.ScepSpec
import dev.enrollkit.Signer
import dev.enrollkit.SubjectAttribute
import dev.enrollkit.TrustStore
import dev.enrollkit.VerdictKind
import dev.enrollkit.buildEnrollmentProfile
import dev.enrollkit.lintProfile

/** What a service gets back for one profile: the signed bytes and what checking them found. */
data class Checked(val signed: ByteArray, val verdict: VerdictKind, val lintCodes: List<String>)

/**
 * Builds an enrollment profile, signs it with the service's identity, verifies the signature
 * against the service's CA and lints it for iOS: the three calls a profile service makes.
 */
class ProfileService(signerKey: ByteArray, signerCert: ByteArray, private val trustedCa: ByteArray) {
    private val signer = Signer(Identity.fromPemOrDer(signerKey, signerCert))

    fun issue(serverUrl: String, topic: String, at: Long): Checked {
        val profile = buildEnrollmentProfile(
            EnrollmentSpec(
                identifier = "com.example.consumer.enroll",
                organization = "Example Corp",
                serverUrl = serverUrl,
                checkInUrl = serverUrl,
                topic = topic,
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
        )
        val signed = signer.sign(profile.toXml(), at)
        val verdict = TrustStore(listOf(trustedCa)).verify(signed, at).verdict
        val findings = lintProfile(signed, LintOptions(platform = "ios"))
        return Checked(signed, verdict, findings.map { it.code })
    }
}
