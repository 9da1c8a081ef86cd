package com.example.consumer

import dev.enrollkit.EnrollkitException
import dev.enrollkit.VerdictKind
import java.io.File
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class ProfileServiceTest {
    private val fixtures = File(System.getProperty("enrollkit.fixtures")).canonicalFile
    private fun fixture(name: String) = File(fixtures, name).readBytes()

    // The fixture certificates are valid from 2026-11-23 for 20 years.
    private val at = 1_893_456_000L

    @Test
    fun signVerifyAndLintFromThePublishedArtifact() {
        // Nothing points JNA at a library directory: it must come out of the jar.
        assertNull(System.getProperty("jna.library.path"))
        val service = ProfileService(fixture("signer-p256.key"), fixture("signer-p256.pem"), fixture("ca.pem"))
        val checked = service.issue("https://mdm.example.com/mdm", "com.apple.mgmt.External.2f9c1c7e", at)
        assertEquals(VerdictKind.VERIFIED, checked.verdict)
        assertEquals(emptyList<String>(), checked.lintCodes)
        assertTrue(checked.signed.size > 1000)
        // Another CA does not vouch for this signer.
        val other = ProfileService(fixture("signer-p256.key"), fixture("signer-p256.pem"), fixture("other.pem"))
        assertEquals(VerdictKind.NOT_VERIFIED, other.issue("https://mdm.example.com/mdm", "com.apple.mgmt.External.2f9c1c7e", at).verdict)
        // Bad input crosses as a typed exception with a registry code.
        val e = assertThrows<EnrollkitException> {
            ProfileService("not a key".toByteArray(), fixture("signer-p256.pem"), fixture("ca.pem"))
        }
        assertTrue(e.code().startsWith("CMS"), e.code())
    }
}
