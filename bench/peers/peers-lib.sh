# Shared by the peer scripts in bench/peers (sourced, not run): installing what a script needs on a fresh machine,
# and pointing zonemaster-cli and dnsviz at a lab (its root hints and trust anchor instead of the real root's).

# ensure_packages <debian package>... : installs the missing ones (sudo when not root).
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}" >&2
  local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# peers_for_lab <lab root hints file> <work dir> : writes into <work dir>
#   hints          the hints without $-directives (zonemaster-cli's parser refuses them),
#   profile.json   zonemaster's default profile without the test cases that judge public addressing (loopback
#                  addresses are the lab's whole point), timeout 2 s,
#   py/            a sitecustomize for Debian's dnsviz 0.9.4, which wants pygraphviz.release (absent in pygraphviz 1.7;
#                  see ../shared/reference/dns-health.md),
#   anchor         the lab root's DNSKEY RRset, dnsviz's trust anchor,
# and sets ROOTS (dnsviz -x ".:name=address,…") and FIRST (one lab root address).
peers_for_lab() {
  local hints=$1 work=$2
  grep -v '^\$' "$hints" >"$work/hints"
  zonemaster-cli --dump-profile >"$work/default.json"
  python3 - "$work/default.json" "$work/profile.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
drop = {"address01", "address02", "address03", "connectivity03", "connectivity04"}
p["test_cases"] = [t for t in p.get("test_cases", []) if t not in drop]
p.setdefault("resolver", {}).setdefault("defaults", {})["timeout"] = 2
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
  mkdir -p "$work/py"
  cat >"$work/py/sitecustomize.py" <<'PY'
import sys, types
try:
    import pygraphviz
    m = types.ModuleType("pygraphviz.release"); m.version = pygraphviz.__version__
    sys.modules["pygraphviz.release"] = m; pygraphviz.release = m
except ImportError:
    pass
PY
  ROOTS=$(awk '$4=="A" {sub(/\.$/, "", $1); printf "%s%s=%s", sep, $1, $5; sep=","}' "$hints")
  FIRST=$(awk '$4=="A" {print $5; exit}' "$hints")
  kdig @"$FIRST" +norec . DNSKEY +nocomments +nostats +noheader | awk '$4=="DNSKEY"' >"$work/anchor"
  [ -s "$work/anchor" ] || { echo "the lab root ($FIRST) gave no DNSKEY for the trust anchor" >&2; return 1; }
}
