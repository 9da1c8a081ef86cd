// Verify a downloaded enrollment profile and report what it contains, with the enrollkit
// Kotlin binding (bindings/kotlin). Run e.g. with kotlinc against the binding's jar + JNA:
//   VerifyAndLint.kt <profile.mobileconfig> <trusted-ca.pem>
import dev.enrollkit.EnrollkitException
import dev.enrollkit.LintOptions
import dev.enrollkit.Profile
import dev.enrollkit.TrustStore
import dev.enrollkit.VerdictKind
import dev.enrollkit.lintProfile
import java.io.File
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    if (args.size != 2) {
        System.err.println("usage: VerifyAndLint <profile.mobileconfig> <trusted-ca.pem>")
        exitProcess(2)
    }
    val bytes = File(args[0]).readBytes()
    try {
        val verdict = TrustStore(listOf(File(args[1]).readBytes())).verify(bytes, null)
        println("signature: ${verdict.verdict}" + (verdict.reasonMessage?.let { " ($it)" } ?: ""))
        val profile = Profile.read(bytes)
        val info = profile.info()
        println("profile ${info.identifier}: ${info.payloads.size} payloads")
        info.payloads.forEach { println("  ${it.payloadType}  ${it.identifier}") }
        info.mdm?.let { println("MDM server ${it.serverUrl}, topic ${it.topic}") }
        val findings = lintProfile(bytes, LintOptions(platform = "ios"))
        findings.forEach { println("${it.severity} ${it.code} ${it.keyPath}: ${it.message} (${it.remediation})") }
        val ok = verdict.verdict == VerdictKind.VERIFIED && findings.none { it.severity == "error" }
        exitProcess(if (ok) 0 else 1)
    } catch (e: EnrollkitException) {
        System.err.println("error ${e.code()}: ${e.message()} (${e.remediation()})")
        exitProcess(1)
    }
}
