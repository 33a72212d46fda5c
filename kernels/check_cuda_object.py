#!/usr/bin/python3
"""Meson test: the CUDA objects were built for the intended GPUs, hold the
intended kernels, and were linked in.

Usage: check_cuda_object.py OBJCOPY NM ARCHS PTX OBJ=KERNEL[,KERNEL..]@LAUNCHER... [-- EXE...]
  ARCHS     comma-separated SM numbers that must have machine code (75,80,...)
  PTX       the compute capability whose PTX must be embedded (for JIT on newer GPUs)
  OBJ=...   a .cu object, the kernels (function names) its machine code must
            define, and the host entry point (extern "C") that launches them
  EXE       executables that must carry every object's device code and
            define every launcher

Reads the .nv_fatbin section (no cuobjdump needed, the minimal toolkit may
not ship it). Fatbin layout, as written by nvcc's fatbinary: a 16-byte header
(magic 0xBA55ED50, u16 version, u16 header size, u64 payload size), then
entries (u16 kind 1=PTX 2=ELF, u16 version, u32 header size, u64 payload
size, ..., u32 SM number at byte 28 of the entry). ELF entries (SASS) are
plain cubins: each must have a .text.<mangled name> section per kernel, the
kernel's code for that GPU. nvcc 13 compresses the PTX entry, so for PTX
only its presence is checked.
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
    """(kind, sm, payload) of every entry of every fatbin in the section."""
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
            yield kind, sm, data[e + ehsize:e + ehsize + psize]
            e += ehsize + psize
        off = (end + 7) & ~7  # fatbins in one section are 8-byte aligned


def elf_sections(blob):
    """Section names of an ELF64 little-endian image."""
    if blob[:4] != b'\x7fELF' or blob[4] != 2 or blob[5] != 1:
        raise ValueError('not an ELF64 LE cubin (compressed?)')
    shoff, = struct.unpack_from('<Q', blob, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', blob, 0x3A)
    str_off, = struct.unpack_from('<Q', blob, shoff + shstrndx * shentsize + 0x18)
    names = []
    for i in range(shnum):
        name, = struct.unpack_from('<I', blob, shoff + i * shentsize)
        end = blob.index(b'\0', str_off + name)
        names.append(blob[str_off + name:end].decode('ascii', 'replace'))
    return names


def defined_symbols(nm, path):
    out = subprocess.run([nm, '--defined-only', path], check=True, capture_output=True,
                         text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def check_object(objcopy, nm, obj, kernels, launcher, want_elf, want_ptx):
    found = list(entries(section(objcopy, obj)))
    elf = {sm for kind, sm, _ in found if kind == 2}
    ptxs = {sm for kind, sm, _ in found if kind == 1}
    ok = elf == want_elf and ptxs == want_ptx
    print(f'{obj}: ELF sm {sorted(elf)}, PTX compute {sorted(ptxs)}'
          f'{"" if ok else f" (want {sorted(want_elf)}, {sorted(want_ptx)})"}')
    for kind, sm, payload in found:
        if kind != 2:
            continue
        texts = [n for n in elf_sections(payload) if n.startswith('.text.')]
        for k in kernels:
            if not any(k in n for n in texts):
                print(f'  sm_{sm}: no code for kernel {k} (has {texts})')
                ok = False
    print(f'  kernels {", ".join(kernels)}: code for every sm' if ok else '  FAILED')
    if launcher not in defined_symbols(nm, obj):
        print(f'  launcher {launcher} not defined')
        ok = False
    return ok


def main():
    objcopy, nm, archs, ptx = sys.argv[1:5]
    rest = sys.argv[5:]
    exes = rest[rest.index('--') + 1:] if '--' in rest else []
    specs = rest[:rest.index('--')] if '--' in rest else rest
    want_elf = {int(a) for a in archs.split(',')}
    want_ptx = {int(ptx)}
    ok = True
    all_kernels, launchers = [], []
    for spec in specs:
        obj, rhs = spec.split('=', 1)
        kernels, launcher = rhs.split('@', 1)
        kernels = kernels.split(',')
        all_kernels += kernels
        launchers.append(launcher)
        ok = check_object(objcopy, nm, obj, kernels, launcher, want_elf, want_ptx) and ok
    for exe in exes:
        blob = section(objcopy, exe)
        missing = [k for k in all_kernels if k.encode() not in blob]
        undefined = [f for f in launchers if f not in defined_symbols(nm, exe)]
        print(f'{exe}: .nv_fatbin {len(blob)} bytes, kernels missing {missing}, '
              f'launchers missing {undefined}')
        ok = ok and len(blob) > 0 and not missing and not undefined
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
