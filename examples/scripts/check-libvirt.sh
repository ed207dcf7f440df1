#!/usr/bin/env bash
# check-libvirt.sh — the libvirt recipe (examples/libvirt): every domain XML passes virt-xml-validate
# (Debian's libvirt-clients + libxml2-utils; installed via apt when root, else "SKIPPED: reason"), a
# broken one is refused (the validator works), and each <interface type='vhostuser'> names, as a
# client, a socket of a server port in vhostd.yaml whose queue-pairs its driver's queues match.
# Exit 0 when it passed (or was skipped); 1 with "FAIL: ..." otherwise.
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../libvirt" && pwd)
if ! command -v virt-xml-validate > /dev/null || ! command -v xmllint > /dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "SKIPPED: libvirt recipe: virt-xml-validate and xmllint missing (apt-get install libvirt-clients libxml2-utils needs root)"
    exit 0
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
    libvirt-clients libxml2-utils > /dev/null || { echo "FAIL: apt-get install libvirt-clients libxml2-utils"; exit 1; }
fi
bad=$(mktemp /tmp/vd-libvirt.XXXXXX)
trap 'rm -f "$bad"' EXIT
# a vhostuser interface without its source's path: the schema refuses it
sed 's#<source type=.unix. path=[^ ]* #<source type="unix" #' "$dir/guest1.xml" > "$bad"
if virt-xml-validate "$bad" domain > /dev/null 2>&1; then echo "FAIL: virt-xml-validate accepts a vhostuser source without a path"; exit 1; fi
n=0
for xml in "$dir"/*.xml; do
  virt-xml-validate "$xml" domain > /dev/null 2>&1 || { echo "FAIL: $(virt-xml-validate "$xml" domain 2>&1 | head -n 3)"; exit 1; }
  path=$(xmllint --xpath "string(//interface[@type='vhostuser']/source/@path)" "$xml")
  mode=$(xmllint --xpath "string(//interface[@type='vhostuser']/source/@mode)" "$xml")
  queues=$(xmllint --xpath "string(//interface[@type='vhostuser']/driver/@queues)" "$xml")
  shared=$(xmllint --xpath "string(//memoryBacking/access/@mode)" "$xml")
  [ "$mode" = client ] && [ "$shared" = shared ] || { echo "FAIL: $xml: want source mode=client and shared memory"; exit 1; }
  # the port whose socket it is (vhostd.yaml: "- name:", "socket:", "queue-pairs:" in that order)
  port=$(awk -v p="$path" '/- name:/ { n = $3 } $1 == "socket:" && $2 == p { print n }' "$dir/vhostd.yaml")
  qp=$(awk -v n="$port" '/- name:/ { cur = $3 } cur == n && $1 == "queue-pairs:" { print $2 }' "$dir/vhostd.yaml")
  [ -n "$port" ] || { echo "FAIL: $xml: $path is no port's socket in vhostd.yaml"; exit 1; }
  [ "$queues" = "$qp" ] || { echo "FAIL: $xml: queues=$queues but port $port has queue-pairs $qp"; exit 1; }
  n=$((n + 1))
done
echo "ok: libvirt: $n domain XMLs valid (virt-xml-validate), their vhostuser sockets are vhostd.yaml's ports"
