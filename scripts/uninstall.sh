#!/bin/bash
# Removes emondguard: stops and unloads the daemon, deletes the app, the LaunchDaemon, the log
# rotation entry, the CLI link, the logs and the package receipt. The alert database stays
# (evidence outlives the agent) unless --purge is given.
#
#   sudo /Library/EmondGuard/uninstall.sh [--purge]
#   scripts/uninstall.sh --target /Volumes/Other [--purge]    # another volume: files only
set -euo pipefail

LABEL="com.emondguard.agent"
PURGE=0
TARGET="/"
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) PURGE=1; shift ;;
    --target) TARGET="${2:?--target needs a volume}"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "uninstall.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -d "$TARGET" ] || { echo "uninstall.sh: --target $TARGET is not a folder" >&2; exit 2; }
if [ "$TARGET" != "/" ] && [ -L "${TARGET%/}" ]; then
  echo "uninstall.sh: --target $TARGET is a symlink; give the volume's real path (not followed: it could lead anywhere)" >&2
  exit 2
fi
VOLUME="${TARGET%/}"
REFUSED=0

if [ "$TARGET" = "/" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "uninstall.sh: run it as root: sudo $0 $*" >&2; exit 1; }
  if /bin/launchctl print "system/$LABEL" >/dev/null 2>&1; then
    echo "stopping $LABEL"
    /bin/launchctl bootout "system/$LABEL" || echo "bootout returned $?; continuing"
  fi
fi

# The folder of the first symlink met on the way from the volume to $1 (not the last component,
# which rm removes as a link); empty when there is none. `rm -rf` through a symlinked Library on
# another volume would delete the boot volume's files.
symlink_on_the_way() {
  local rest="${1#"$VOLUME"}" at="$VOLUME" part
  rest="${rest#/}"
  while [ "${rest#*/}" != "$rest" ]; do
    part="${rest%%/*}"
    rest="${rest#*/}"
    at="$at/$part"
    if [ -L "$at" ]; then
      echo "$at"
      return
    fi
  done
}

remove() {
  local link
  link="$(symlink_on_the_way "$1")"
  if [ -n "$link" ]; then
    echo "uninstall.sh: skipped ${1#"$VOLUME"}: ${link#"$VOLUME"} is a symlink, not followed; remove that link and run again" >&2
    REFUSED=1
    return
  fi
  if [ -e "$1" ] || [ -L "$1" ]; then
    rm -rf "$1"
    echo "removed ${1#"$VOLUME"}"
  fi
}

remove "$VOLUME/Library/LaunchDaemons/$LABEL.plist"
remove "$VOLUME/private/etc/newsyslog.d/$LABEL.conf"
remove "$VOLUME/Library/EmondGuard"
remove "$VOLUME/Library/Logs/emondguard"
# Only our link: an unrelated /usr/local/bin/emondguard (a developer's npm link) stays.
if [ "$(readlink "$VOLUME/usr/local/bin/emondguard" 2>/dev/null || true)" = "/Library/EmondGuard/bin/emondguard" ]; then
  remove "$VOLUME/usr/local/bin/emondguard"
fi

DATA="$VOLUME/Library/Application Support/emondguard"
if [ "$PURGE" -eq 1 ]; then
  remove "$DATA"
elif [ -e "$DATA" ]; then
  echo "kept the alert database in ${DATA#"$VOLUME"} (use --purge to delete it)"
fi

if [ "$TARGET" = "/" ] && [ -x /usr/sbin/pkgutil ]; then
  if /usr/sbin/pkgutil --forget "$LABEL" >/dev/null 2>&1; then echo "forgot package receipt $LABEL"; fi
fi
if [ "$REFUSED" -ne 0 ]; then
  echo "uninstall.sh: not everything was removed (see above)" >&2
  exit 2
fi
echo "emondguard is uninstalled"
