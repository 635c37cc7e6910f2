# Shared by scripts/build-pkg.sh and scripts/sign.sh (sourced, not run). Bash 3.2 compatible:
# macOS still ships bash 3.2 as /bin/bash.

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

log() {
  echo "==> $*" >&2
}

require_macos() {
  [ "$(uname -s)" = "Darwin" ] || die "$1 needs macOS (codesign, pkgbuild, productbuild, notarytool); on other systems use --dry-run"
}

# Submits a .zip, .pkg or .dmg to Apple's notary service, waits for the verdict, prints the log
# on failure, and staples the ticket (zip: staples the bundle it came from, given as $2).
# Credentials come from a keychain profile made once with:
#   xcrun notarytool store-credentials NAME --apple-id ID --team-id TEAMID --password APP_SPECIFIC_PASSWORD
notarize_and_staple() {
  local file="$1" staple_target="${2:-$1}" profile="${NOTARY_KEYCHAIN_PROFILE:-}"
  [ -n "$profile" ] || die "notarization needs --keychain-profile NAME (see: xcrun notarytool store-credentials)"
  log "notarizing $(basename "$file") (this waits for Apple's verdict)"
  local output id
  if ! output=$(/usr/bin/xcrun notarytool submit "$file" --keychain-profile "$profile" --wait 2>&1); then
    echo "$output" >&2
    die "notarytool submit failed"
  fi
  echo "$output" >&2
  if ! echo "$output" | grep -q "status: Accepted"; then
    id=$(echo "$output" | awk '/^ *id: /{print $2; exit}')
    [ -n "$id" ] && /usr/bin/xcrun notarytool log "$id" --keychain-profile "$profile" >&2
    die "notarization was not accepted"
  fi
  /usr/bin/xcrun stapler staple "$staple_target" || die "stapler could not staple $staple_target"
  /usr/bin/xcrun stapler validate "$staple_target" || die "stapled ticket does not validate"
}
