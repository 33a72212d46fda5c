#!/usr/bin/python3
"""Meson test: the CUDA object was built for the intended GPUs and linked in.

Usage: check_cuda_object.py OBJCOPY OBJECT ARCHS PTX [EXECUTABLE...]
  ARCHS  comma-separated SM numbers that must have machine code (75,80,...)
  PTX    the compute capability whose PTX must be embedded (for JIT on newer GPUs)

Reads the .nv_fatbin section (no cuobjdump needed, the minimal toolkit may
not ship it). Fatbin layout, as written by nvcc's fatbinary: a 16-byte header
(magic 0xBA55ED50, u16 version, u16 header size, u64 payload size), then
entries (u16 kind 1=PTX 2=ELF, u16 version, u32 header size, u64 payload
size, ..., u32 SM number at byte 28 of the entry).
"""
import os
import struct
import subprocess
import sys
import tempfile

MAGIC = 0xBA55ED50


def section(objcopy, path):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'fatbin')
        subprocess.run([objcopy, '-O', 'binary', '--only-section=.nv_fatbin', path, out],
                       check=True)
        with open(out, 'rb') as f:
            return f.read()


def entries(data):
    """(kind, sm) of every entry of every fatbin in the section."""
    off = 0
    while off + 16 <= len(data):
        magic, _, hsize, fsize = struct.unpack_from('<IHHQ', data, off)
        if magic != MAGIC:
            raise ValueError(f'bad fatbin magic {magic:#x} at {off}')
        e = off + hsize
        end = e + fsize
        while e < end:
            kind, _, ehsize, psize = struct.unpack_from('<HHIQ', data, e)
            (sm,) = struct.unpack_from('<I', data, e + 28)
            yield kind, sm
            e += ehsize + psize
        off = (end + 7) & ~7  # fatbins in one section are 8-byte aligned


def main():
    objcopy, obj, archs, ptx = sys.argv[1:5]
    want_elf = {int(a) for a in archs.split(',')}
    want_ptx = {int(ptx)}
    found = list(entries(section(objcopy, obj)))
    elf = {sm for kind, sm in found if kind == 2}
    ptxs = {sm for kind, sm in found if kind == 1}
    print(f'{obj}: ELF sm {sorted(elf)}, PTX compute {sorted(ptxs)}')
    ok = elf == want_elf and ptxs == want_ptx
    for exe in sys.argv[5:]:
        n = len(section(objcopy, exe))
        print(f'{exe}: .nv_fatbin {n} bytes')
        ok = ok and n > 0
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
