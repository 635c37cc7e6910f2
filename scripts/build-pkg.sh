#!/bin/bash
# Builds the emondguard installer package: EmondGuard.app (a signed node running the built CLI),
# the LaunchDaemon, log rotation, the CLI wrapper and the uninstaller, with preinstall/postinstall.
#
#   scripts/build-pkg.sh --dry-run [--staging DIR]            # any OS: lay out and validate only
#   scripts/build-pkg.sh --provisioning-profile FILE \
#       --app-identity "Developer ID Application: Example Corp (TEAMID1234)" \
#       --installer-identity "Developer ID Installer: Example Corp (TEAMID1234)" \
#       [--keychain PATH] [--notarize --keychain-profile NAME] \
#       [--node PATH] [--staging DIR] [--output DIR] [--skip-build]
#   scripts/build-pkg.sh --unsigned ...                       # macOS: a local test package
#   scripts/build-pkg.sh --eslogger-only --app-identity ... --installer-identity ...
#       # fleets without Apple's ES entitlement: no provisioning profile, the agent uses eslogger
#
# --node: the node binary to ship as Contents/MacOS/emondguard (default: the node running npm).
#   It must be the Node version the addons were built for; for Intel and Apple silicon use a
#   universal node and universal addons, or build one package per architecture.
# The package identifier is com.emondguard.agent; its version is package.json's.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
# shellcheck source=pkg/lib.sh
. "$HERE/pkg/lib.sh"

LABEL="com.emondguard.agent"
APP_REL="Library/EmondGuard/EmondGuard.app"
DRY_RUN=0
UNSIGNED=0
SKIP_BUILD=0
NOTARIZE=0
ESLOGGER_ONLY=0
STAGING=""
OUTPUT=""
NODE_BIN="$(command -v node || true)"
PROFILE=""
APP_IDENTITY=""
INSTALLER_IDENTITY=""
KEYCHAIN=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1; shift ;;
    --unsigned) UNSIGNED=1; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --notarize) NOTARIZE=1; shift ;;
    --staging) STAGING="${2:?--staging needs a folder}"; shift 2 ;;
    --output) OUTPUT="${2:?--output needs a folder}"; shift 2 ;;
    --node) NODE_BIN="${2:?--node needs a path}"; shift 2 ;;
    --provisioning-profile) PROFILE="${2:?--provisioning-profile needs a file}"; shift 2 ;;
    --app-identity) APP_IDENTITY="${2:?--app-identity needs a value}"; shift 2 ;;
    --installer-identity) INSTALLER_IDENTITY="${2:?--installer-identity needs a value}"; shift 2 ;;
    --keychain) KEYCHAIN="${2:?--keychain needs a value}"; shift 2 ;;
    --keychain-profile) NOTARY_KEYCHAIN_PROFILE="${2:?--keychain-profile needs a value}"; export NOTARY_KEYCHAIN_PROFILE; shift 2 ;;
    --eslogger-only) ESLOGGER_ONLY=1; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

if [ -z "$NODE_BIN" ] || [ ! -x "$NODE_BIN" ]; then die "no node binary to ship: pass --node PATH"; fi
[ -z "$PROFILE" ] || [ -f "$PROFILE" ] || die "--provisioning-profile $PROFILE does not exist"
if [ "$ESLOGGER_ONLY" -eq 1 ] && [ -n "$PROFILE" ]; then die "--eslogger-only builds carry no provisioning profile; drop --provisioning-profile"; fi
if [ "$DRY_RUN" -eq 0 ]; then
  require_macos "building the package"
  if [ "$UNSIGNED" -eq 0 ]; then
    [ -n "$PROFILE" ] || [ "$ESLOGGER_ONLY" -eq 1 ] || die "--provisioning-profile is required: the ES entitlement is only honoured with the profile Apple issued for $LABEL (or build --eslogger-only)"
    [ -n "$APP_IDENTITY" ] || die "--app-identity is required (a Developer ID Application certificate), or --unsigned for a local test"
    [ -n "$INSTALLER_IDENTITY" ] || die "--installer-identity is required (a Developer ID Installer certificate), or --unsigned for a local test"
  fi
  [ -e "$REPO/native/build/Release" ] || die "native/build/Release is missing: build the Endpoint Security addon first"
fi

VERSION="$("$NODE_BIN" -p "require('$REPO/package.json').version")"
if [ -z "$STAGING" ]; then
  STAGING="$(mktemp -d "${TMPDIR:-/tmp}/emondguard-pkg.XXXXXX")"
elif [ -e "$STAGING" ] && [ -n "$(ls -A "$STAGING")" ]; then
  die "--staging $STAGING is not empty"
fi
mkdir -p "$STAGING"
STAGING="$(cd "$STAGING" && pwd)"
ROOT="$STAGING/root"
APP="$ROOT/$APP_REL"
RESOURCES="$APP/Contents/Resources/app"
# Everything staged is 0755/0644 unless said otherwise: pkgbuild keeps modes (owners become root).
umask 022

if [ "$SKIP_BUILD" -eq 0 ]; then
  log "building the JavaScript (npm run build)"
  (cd "$REPO" && npm run --silent build)
fi
[ -f "$REPO/dist/cli/main.js" ] || die "dist/ is not built: run npm run build (or drop --skip-build)"

log "laying out $APP_REL (version $VERSION)"
mkdir -p "$APP/Contents/MacOS" "$RESOURCES"
sed "s/@VERSION@/$VERSION/g" "$HERE/pkg/Info.plist.in" > "$APP/Contents/Info.plist"
cp "$NODE_BIN" "$APP/Contents/MacOS/emondguard"
chmod 755 "$APP/Contents/MacOS/emondguard"
if [ -n "$PROFILE" ]; then
  cp "$PROFILE" "$APP/Contents/embedded.provisionprofile"
elif [ "$DRY_RUN" -eq 1 ] && [ "$ESLOGGER_ONLY" -eq 0 ]; then
  # Only a dry run stands in for the profile; an --unsigned build simply has none.
  echo "PLACEHOLDER: dry run without --provisioning-profile; a real build embeds Apple's profile here" > "$APP/Contents/embedded.provisionprofile"
fi
cp "$REPO/package.json" "$RESOURCES/package.json"
cp -R "$REPO/dist" "$RESOURCES/dist"
# Source maps point at src/, which is not shipped.
find "$RESOURCES/dist" -name '*.map' -delete
"$NODE_BIN" "$HERE/pkg/production-modules.mjs" "$REPO" "$RESOURCES" > "$STAGING/modules.txt"
if [ -d "$REPO/native/build/Release" ]; then
  mkdir -p "$RESOURCES/native/build/Release"
  find "$REPO/native/build/Release" -maxdepth 1 -name '*.node' -exec cp {} "$RESOURCES/native/build/Release/" \;
fi
find "$RESOURCES" -name '*.node' -exec chmod 755 {} \;

log "laying out the LaunchDaemon, log rotation, CLI and uninstaller"
mkdir -p "$ROOT/Library/LaunchDaemons" "$ROOT/private/etc/newsyslog.d" "$ROOT/Library/EmondGuard/bin"
cp "$REPO/launchd/$LABEL.plist" "$ROOT/Library/LaunchDaemons/$LABEL.plist"
cp "$REPO/launchd/$LABEL.newsyslog.conf" "$ROOT/private/etc/newsyslog.d/$LABEL.conf"
chmod 644 "$ROOT/Library/LaunchDaemons/$LABEL.plist" "$ROOT/private/etc/newsyslog.d/$LABEL.conf"
cp "$HERE/pkg/emondguard-cli" "$ROOT/Library/EmondGuard/bin/emondguard"
cp "$HERE/uninstall.sh" "$ROOT/Library/EmondGuard/uninstall.sh"
chmod 755 "$ROOT/Library/EmondGuard/bin/emondguard" "$ROOT/Library/EmondGuard/uninstall.sh"

mkdir -p "$STAGING/scripts"
cp "$HERE/pkg/preinstall" "$HERE/pkg/postinstall" "$STAGING/scripts/"
chmod 755 "$STAGING/scripts/preinstall" "$STAGING/scripts/postinstall"

# Installer would otherwise "relocate" the bundle to wherever a copy with the same id was found.
"$NODE_BIN" --input-type=module -e "
  const { toXmlPlist } = await import('$REPO/dist/plist/index.js');
  process.stdout.write(toXmlPlist([{
    RootRelativeBundlePath: '$APP_REL',
    BundleIsRelocatable: false,
    BundleIsVersionChecked: false,
    BundleHasStrictIdentifier: true,
    BundleOverwriteAction: 'upgrade',
  }]));
" > "$STAGING/component.plist"

case "$(uname -s)" in
  Darwin) ARCHS="$(/usr/bin/lipo -archs "$APP/Contents/MacOS/emondguard" | tr ' ' ',')" ;;
  *) ARCHS="$(uname -m | sed 's/^aarch64$/arm64/')" ;;
esac
sed -e "s/@VERSION@/$VERSION/g" -e "s/@ARCHS@/$ARCHS/g" "$HERE/pkg/Distribution.xml.in" > "$STAGING/Distribution.xml"

log "validating the payload"
VALIDATE_ARGS=("$STAGING" "$VERSION")
if [ "$ESLOGGER_ONLY" -eq 1 ]; then
  VALIDATE_ARGS+=(--eslogger-only)
elif [ ! -e "$APP/Contents/embedded.provisionprofile" ]; then
  VALIDATE_ARGS+=(--no-profile)
fi
"$NODE_BIN" "$HERE/pkg/validate-payload.mjs" "${VALIDATE_ARGS[@]}" >&2

COMPONENT="$STAGING/emondguard-component.pkg"
PRODUCT="${OUTPUT:-$STAGING}/emondguard-$VERSION.pkg"
if [ "$DRY_RUN" -eq 1 ]; then
  log "dry run: staged in $STAGING (MANIFEST lists modes and owners, NOTES what a real build adds)"
  cat >&2 <<STEPS
A real build on macOS would now run:
  scripts/sign.sh --identity "<Developer ID Application>" $APP
  pkgbuild --root $ROOT --component-plist $STAGING/component.plist --scripts $STAGING/scripts \\
           --identifier $LABEL --version $VERSION --install-location / --ownership recommended $COMPONENT
  productbuild --distribution $STAGING/Distribution.xml --package-path $STAGING \\
               --sign "<Developer ID Installer>" --timestamp $PRODUCT
  xcrun notarytool submit $PRODUCT --keychain-profile <name> --wait && xcrun stapler staple $PRODUCT
STEPS
  echo "$STAGING"
  exit 0
fi

if [ "$UNSIGNED" -eq 0 ]; then
  SIGN_ARGS=(--identity "$APP_IDENTITY")
  [ "$ESLOGGER_ONLY" -eq 1 ] && SIGN_ARGS+=(--entitlements "$HERE/pkg/entitlements-eslogger.plist")
  [ -n "$KEYCHAIN" ] && SIGN_ARGS+=(--keychain "$KEYCHAIN")
  "$HERE/sign.sh" "${SIGN_ARGS[@]}" "$APP"
fi

log "pkgbuild $COMPONENT"
/usr/bin/pkgbuild --root "$ROOT" --component-plist "$STAGING/component.plist" --scripts "$STAGING/scripts" \
  --identifier "$LABEL" --version "$VERSION" --install-location / --ownership recommended "$COMPONENT"

mkdir -p "$(dirname "$PRODUCT")"
PRODUCT_ARGS=(--distribution "$STAGING/Distribution.xml" --package-path "$STAGING")
if [ "$UNSIGNED" -eq 0 ]; then
  PRODUCT_ARGS+=(--sign "$INSTALLER_IDENTITY" --timestamp)
  [ -n "$KEYCHAIN" ] && PRODUCT_ARGS+=(--keychain "$KEYCHAIN")
fi
log "productbuild $PRODUCT"
/usr/bin/productbuild "${PRODUCT_ARGS[@]}" "$PRODUCT"

if [ "$UNSIGNED" -eq 0 ]; then
  /usr/sbin/pkgutil --check-signature "$PRODUCT" || die "the package signature does not verify"
  if [ "$NOTARIZE" -eq 1 ]; then notarize_and_staple "$PRODUCT"; fi
fi
log "built $PRODUCT"
echo "$PRODUCT"
