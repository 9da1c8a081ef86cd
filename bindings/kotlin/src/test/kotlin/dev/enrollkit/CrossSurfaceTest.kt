package dev.enrollkit

import java.io.File
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test

/**
 * The Kotlin side of scripts/cross-surface.py: answers every case of `cases.json` through the
 * binding and writes `kotlin.json` in the normalized shape the script compares with Rust, the
 * CLI and Python. Skipped unless the script sets `cross.surface.dir`.
 */
class CrossSurfaceTest {
    private val dir = System.getProperty("cross.surface.dir").orEmpty()

    private fun options(context: JSONObject) = LintOptions(
        platform = context.getString("platform"),
        osVersion = context.optString("os_version").ifEmpty { null },
        enrollment = context.getString("enrollment"),
        supervised = false,
        manualInstall = context.getBoolean("manual_install"),
    )

    private fun codes(findings: List<Finding>) = JSONArray(findings.map { "${it.code}:${it.severity}" }.sorted())

    private fun label(verdict: VerdictKind) = when (verdict) {
        VerdictKind.VERIFIED -> "Verified"
        VerdictKind.NOT_VERIFIED -> "NotVerified"
        VerdictKind.INVALID -> "Invalid"
        VerdictKind.UNSIGNED -> "Unsigned"
    }

    @Test
    fun answersEveryCase() {
        assumeTrue(dir.isNotEmpty(), "run by scripts/cross-surface.py")
        val root = File(dir)
        val cases = JSONArray(File(root, "cases.json").readText())
        val results = JSONObject()
        for (i in 0 until cases.length()) {
            val case = cases.getJSONObject(i)
            val new = File(root, case.getString("new")).readBytes()
            val result = JSONObject()
            when (case.getString("kind")) {
                "lint" -> result.put("codes", codes(lintProfile(new, options(case.getJSONObject("context")))))
                "install" -> {
                    val installed = case.getJSONArray("installed").let { files ->
                        (0 until files.length()).map { File(root, files.getString(it)).readBytes() }
                    }
                    val check = checkInstall(new, installed, options(case.getJSONObject("context")))
                    result.put("outcome", check.outcome)
                    result.put("codes", codes(check.diagnostics))
                }
                "verify" -> {
                    val anchors = parseCertificates(File(root, case.getString("trust")).readBytes())
                    val v = TrustStore(anchors).verify(new, case.getLong("time"))
                    result.put("verdict", label(v.verdict))
                    result.put("reason", v.reasonCode ?: JSONObject.NULL)
                }
                else -> error("unknown case kind ${case.getString("kind")}")
            }
            results.put(case.getString("name"), result)
        }
        File(root, "kotlin.json").writeText(results.toString(2))
    }
}
