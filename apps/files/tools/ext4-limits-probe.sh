#!/usr/bin/env bash
# Measures two ext4 directory limits on loop-mounted scratch images (needs root and loop devices):
#   1. subdirectories per directory without dir_nlink (expect 64,998, then EMLINK)
#   2. entries per directory without large_dir, with 1 KiB blocks so the 2-level htree fills in
#      seconds (the fan-out is ~66x larger with 4 KiB blocks)
# and the inode count mkfs gives a 50 TB volume (dry run, nothing written).
# Usage: bash apps/files/tools/ext4-limits-probe.sh [scratch dir, default /tmp]
set -euo pipefail
scratch=${1:-/tmp}
img="$scratch/ext4-probe.img"
mnt="$scratch/ext4-probe.mnt"
mkdir -p "$mnt"
cleanup() { umount "$mnt" 2>/dev/null || true; rm -f "$img"; rmdir "$mnt" 2>/dev/null || true; }
trap cleanup EXIT

echo "== inodes of a 50 TB ext4 (mkfs.ext4 -n, defaults and -i 16384)"
truncate -s 1G "$img"
mkfs.ext4 -n -F "$img" 50T 2>/dev/null | grep -i inodes
mkfs.ext4 -n -F -i 16384 "$img" 50T 2>/dev/null | grep -i inodes
rm -f "$img"

echo "== subdirectories without dir_nlink"
truncate -s 512M "$img"
mkfs.ext4 -q -F -O ^dir_nlink -N 80000 "$img"
mount -o loop "$img" "$mnt"
python3 - "$mnt" <<'PY'
import errno, os, sys
base = os.path.join(sys.argv[1], 'd'); os.mkdir(base)
n = 0
try:
    while True:
        os.mkdir(f'{base}/{n}'); n += 1
except OSError as e:
    print(f'{n} subdirectories, then {errno.errorcode[e.errno]} ({e.strerror})')
PY
umount "$mnt"; rm -f "$img"

for namelen in 255 40; do
  echo "== entries in one directory without large_dir, 1 KiB blocks, ${namelen}-character names"
  truncate -s 2G "$img"
  mkfs.ext4 -q -F -b 1024 -N 600000 -O ^large_dir "$img" 2>/dev/null
  mount -o loop "$img" "$mnt"
  python3 - "$mnt" "$namelen" <<'PY'
import errno, os, sys
base = os.path.join(sys.argv[1], 'd'); os.mkdir(base)
length = int(sys.argv[2]); n = 0
try:
    while n < 590_000:
        os.close(os.open(f'{base}/{n:08d}'.ljust(len(base) + 1 + length, 'x'), os.O_CREAT | os.O_WRONLY, 0o644)); n += 1
    print(f'no failure up to {n}')
except OSError as e:
    st = os.statvfs(sys.argv[1])
    print(f'{n} entries, then {errno.errorcode[e.errno]} ({e.strerror}) with {st.f_favail} inodes and {st.f_bavail} blocks free')
PY
  umount "$mnt"; rm -f "$img"
done
dmesg 2>/dev/null | grep -i "index full" | tail -1 || true
