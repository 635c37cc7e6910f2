#!/bin/bash
# Signs EmondGuard.app for distribution: hardened runtime, secure timestamp, the Endpoint Security
# entitlement on the main executable, every nested Mach-O signed first (inside-out), then verified.
# Optionally notarizes and staples the app.
#
#   scripts/sign.sh --identity "Developer ID Application: Example Corp (TEAMID1234)" \
#                   [--keychain PATH] [--entitlements scripts/entitlements.plist] \
#                   [--notarize --keychain-profile NAME] path/to/EmondGuard.app
#
# The provisioning profile must already be at Contents/embedded.provisionprofile (build-pkg.sh
# puts it there): it is a sealed resource, so it has to be in place before signing.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=pkg/lib.sh
. "$HERE/pkg/lib.sh"

IDENTITY=""
KEYCHAIN=""
ENTITLEMENTS="$HERE/entitlements.plist"
NOTARIZE=0
APP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --identity) IDENTITY="${2:?--identity needs a value}"; shift 2 ;;
    --keychain) KEYCHAIN="${2:?--keychain needs a value}"; shift 2 ;;
    --entitlements) ENTITLEMENTS="${2:?--entitlements needs a value}"; shift 2 ;;
    --notarize) NOTARIZE=1; shift ;;
    --keychain-profile) NOTARY_KEYCHAIN_PROFILE="${2:?--keychain-profile needs a value}"; export NOTARY_KEYCHAIN_PROFILE; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) APP="$1"; shift ;;
  esac
done
[ -n "$APP" ] || die "give the path of EmondGuard.app (see --help)"
[ -d "$APP/Contents" ] || die "$APP is not an app bundle"
[ -n "$IDENTITY" ] || die "--identity is required: a \"Developer ID Application\" certificate in your keychain (security find-identity -v -p codesigning)"
[ -f "$ENTITLEMENTS" ] || die "no entitlements file at $ENTITLEMENTS"
# A restricted entitlement is only honoured with Apple's provisioning profile inside the bundle.
if grep -q "com.apple.developer.endpoint-security.client" "$ENTITLEMENTS" && [ ! -f "$APP/Contents/embedded.provisionprofile" ]; then
  die "$APP/Contents/embedded.provisionprofile is missing: the ES entitlement needs the provisioning profile Apple issued for this bundle id"
fi
require_macos "signing"

SIGN=(/usr/bin/codesign --force --timestamp --options runtime --sign "$IDENTITY")
[ -n "$KEYCHAIN" ] && SIGN+=(--keychain "$KEYCHAIN")

# 1. Nested code first: every Mach-O in Resources (the .node addons). No entitlements: they are
#    libraries loaded into the main executable, whose entitlements apply to the whole process.
log "signing nested code"
while IFS= read -r -d '' file; do
  if /usr/bin/file -b "$file" | grep -q "Mach-O"; then
    "${SIGN[@]}" "$file"
  fi
done < <(/usr/bin/find "$APP/Contents/Resources" -type f -print0)

# 2. The bundle, which signs the main executable with the entitlements and seals the resources.
log "signing $APP"
"${SIGN[@]}" --entitlements "$ENTITLEMENTS" --generate-entitlement-der "$APP"

# 3. Verify: strict structure, nested code, and that the entitlement really is on the executable.
log "verifying"
/usr/bin/codesign --verify --strict --deep --verbose=2 "$APP"
if grep -q "com.apple.developer.endpoint-security.client" "$ENTITLEMENTS"; then
  /usr/bin/codesign -d --entitlements - --xml "$APP" | grep -q "com.apple.developer.endpoint-security.client" \
    || die "the signed executable does not carry com.apple.developer.endpoint-security.client"
fi

if [ "$NOTARIZE" -eq 1 ]; then
  ZIP="$(mktemp -d)/EmondGuard.zip"
  /usr/bin/ditto -c -k --keepParent "$APP" "$ZIP"
  notarize_and_staple "$ZIP" "$APP"
  /usr/sbin/spctl --assess --type execute --verbose=2 "$APP"
fi
log "signed: $APP"
