#!/usr/bin/env bash
# A fully static, stripped release build of augur: no shared library at all (the Swift runtime,
# Foundation with its ICU data, glibc, libstdc++ and zlib linked in), so it runs on a bare
# image (FROM scratch) and on any x86-64 Linux, Amazon Linux 2023 (Lambda's provided.al2023)
# included. Host names still resolve: glibc 2.34+ has its files and dns lookups built in, and the
# image carries /etc/nsswitch.conf (scripts/image/check.py checks it against a DNS server).
#
#   scripts/build-static.sh            writes .build-static/release/augur (~90 MB; cold ~10 min on 2 cores)
#   augur build examples/loan -o loan.tar --binary .build-static/release/augur
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product augur --build-path .build-static \
  --static-swift-stdlib -Xswiftc -static-executable -Xlinker -s "$@"
echo ".build-static/release/augur: $(du -m .build-static/release/augur | cut -f1) MB, $(file -b .build-static/release/augur | cut -d, -f1-2)"
