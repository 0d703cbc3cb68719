#!/usr/bin/env bash
# Checks that the tools the test lab (tests/lab) starts are installed; installs them when run as
# root on a Debian-like system, otherwise prints the command to run and fails.
# Quiet (one line) when everything is present.
#
# Not the `rtpengine` metapackage: it pulls in a DKMS kernel module; the lab runs rtpengine in
# userspace (rtpengine-daemon). Not the `dnsmasq` package either: it installs a system DNS service;
# dnsmasq-base is the binary the lab runs as its own DNS server on loopback. linphone-cli is the
# desk phone on another SIP stack than baresip (Linphone 5, tests/lab/linphone.ts); it runs headless
# but its mediastreamer2 depends on Qt 5 libraries (some 70 packages on a bare system).
set -euo pipefail
# kamailio and kamcmd are in sbin, which non-root PATHs often lack.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

PACKAGES="kamailio kamailio-websocket-modules kamailio-tls-modules kamailio-presence-modules sipsak rtpengine-daemon rtpengine-utils baresip-core linphone-cli coturn tcpdump sox chromium iproute2 openssl iptables dnsmasq-base"
INSTALL="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES"

# Prints one line per missing dependency.
missing_dependencies() {
  local command
  for command in kamailio kamcmd rtpengine baresip linphonec turnserver tcpdump sox openssl unshare ip iptables sipsak dnsmasq; do
    command -v "$command" >/dev/null 2>&1 || echo "command '$command'"
  done
  [ -x /usr/bin/chromium ] || echo "/usr/bin/chromium"
  # Kamailio modules live in a multiarch folder, e.g. /usr/lib/x86_64-linux-gnu/kamailio/modules.
  local module
  for module in websocket tls db_text presence presence_dialoginfo presence_mwi presence_xml pua pua_dialoginfo; do
    compgen -G "/usr/lib/*/kamailio/modules/$module.so" >/dev/null ||
      compgen -G "/usr/lib/kamailio/modules/$module.so" >/dev/null ||
      echo "kamailio module '$module'"
  done
  for module in ctrl_tcp sndfile aufile aubridge g711 srtp; do
    [ -e "/usr/lib/baresip/modules/$module.so" ] || echo "baresip module '$module'"
  done
}

missing="$(missing_dependencies)"
if [ -z "$missing" ]; then
  echo "lab dependencies: all present"
  exit 0
fi

echo "lab dependencies missing:" $(echo "$missing" | paste -sd, -) >&2
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing: $PACKAGES" >&2
  sh -c "$INSTALL"
  missing="$(missing_dependencies)"
  if [ -n "$missing" ]; then
    echo "still missing after install:" $(echo "$missing" | paste -sd, -) >&2
    exit 1
  fi
  echo "lab dependencies: installed"
  exit 0
fi

echo "run as root (Debian/Ubuntu):" >&2
echo "  sudo sh -c '$INSTALL'" >&2
exit 1
