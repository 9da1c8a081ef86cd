#!/usr/bin/env bash
# Layering: a plist-only user of enrollkit-profile (no default features) gets no crypto crate,
# and that build's own tests pass. sha1_smol is allowed: uuid uses it for name-based (v5)
# UUIDs (RFC 9562), not for signing or encryption.
set -euo pipefail
cd "$(dirname "$0")/../.."
crypto='^(aws-lc-rs|aws-lc-sys|ring|rsa|p256|p384|p521|ecdsa|elliptic-curve|cms|x509-cert|der|spki|pkcs1|pkcs5|pkcs8|pkcs12|p12-keystore|sha1|sha2|sha3|md-5|digest|signature|aes|des|cbc|cipher|block-padding|hmac|rcgen|subtle|crypto-common|enrollkit-cms) '
tree=$(cargo tree --locked -p enrollkit-profile --no-default-features -e normal --prefix none)
if found=$(grep -E "$crypto" <<<"$tree"); then
    echo "enrollkit-profile --no-default-features pulls in crypto crates:"
    echo "$found" | sort -u
    exit 1
fi
echo "enrollkit-profile --no-default-features: $(sort -u <<<"$tree" | wc -l) crates, none of them crypto"
cargo test --locked --quiet -p enrollkit-profile --no-default-features
