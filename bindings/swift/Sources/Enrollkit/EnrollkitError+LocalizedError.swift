// Hand-written (not generated): the error's description is the readable message. uniffi's own
// conformance would return the Debug form, so uniffi.toml turns it off
// (omit_localized_error_conformance) and this file provides it.
import Foundation

extension EnrollkitError: LocalizedError {
    public var errorDescription: String? { message() }
    public var failureReason: String? { message() }
    public var recoverySuggestion: String? { remediation() }
}
