#!/usr/bin/python3
"""Generate kernels/dsp_kat.h: known-answer vectors of the resampler, log-mel
and VAD ops, computed independently of the C code with numpy in float64.

Run: /usr/bin/python3 kernels/gen_dsp_kat.py > kernels/dsp_kat.h
(Debian's python3-numpy; the checked-in header needs no numpy to build.)

Inputs are integers / 32768 from a formula (xorshift32 noise plus an integer
triangle wave) that kernels.c's dsp_kat_signal() reproduces exactly, so only
the expected outputs are stored.

- Resampler: the specification's sum done in float64 (np.convolve) with the
  float32 taps of dsp_tables.h (the taps are the filter's definition), over a
  run split into calls of DSP_KAT_RS_CALLS outputs; expected values rounded
  to float32. Tolerance 1e-5: the float32 sum of 72 products has error at
  most 73 * 2^-24 * sum|h| * max|x| = 7.8e-6 (|x| <= 1, sum|h| = 1.786).
- Log-mel tolerance (kernels.h): |got - ref| <= 1e-4 + 1e-6 * sqrt(Mmax / M_ref):
  float32 FFT rounding is relative to the frame's energy, so a bin far below
  the peak can only be as exact as that allows (measured: at most 4.8e-7 *
  sqrt(Mmax / M), 3.8e-6 absolute where the dynamic range is < 50 dB).
- Log-mel: frames of the whole signal (the chunking must not matter), the
  periodic Hann window and the HTK filters computed here from their formulas
  in float64, np.fft.rfft, np.log. The band of the energy is found here from
  the filter centres (250..4000 Hz) and must equal dsp_tables.h's.
- VAD: the specification's steps in numpy float32 (each operation rounded
  as in C), over energies from a formula, split into calls; exact events.
"""
import math
import sys

import numpy as np

F32 = np.float32

# ---- the input formula (mirrored by dsp_kat_signal() in kernels.c) ----


def signal(seed, period, amp, noise_shift, n):
    """n samples: ((r >> 20) - 2048) << noise_shift (or 0 if noise_shift < 0)
    plus a triangle of the period and amplitude; integers / 32768."""
    r = seed
    out = []
    for i in range(n):
        r ^= (r << 13) & 0xFFFFFFFF
        r ^= r >> 17
        r ^= (r << 5) & 0xFFFFFFFF
        v = 0
        if noise_shift >= 0:
            v += ((r >> 20) - 2048) << noise_shift
        if amp:
            ph = i % period
            tri = ph if 2 * ph < period else period - ph  # 0..period/2
            v += (tri * 4 * amp) // period - amp
        assert -32768 <= v <= 32767
        out.append(v)
    return np.array(out, dtype=np.float64) / 32768.0


# (seed, period, amp, noise_shift)
RS_STREAMS = [
    (0x12345678, 48, 8000, 0),  # 1 kHz triangle + noise at -24 dBFS
    (0x9abcdef1, 5, 12000, -1),  # 9.6 kHz triangle, in the stopband
    (0x0badf00d, 480, 16000, 2),  # 100 Hz triangle + louder noise
]
RS_CALLS = [320, 7, 320, 100]  # outputs per call: 7 * 3 < 69 shifts the history

MEL_STREAMS = [
    (0x2468ace0, 16, 8000, 0),  # 1 kHz triangle + noise
    (0x13579bdf, 16, 0, -1),  # digital silence: every value is the floor
    (0x7f4a7c15, 37, 3000, 2),
    (0xdeadbeef, 16, 0, 3),  # noise alone, -12 dBFS
    (0x0c0ffee0, 20, 16000, -1),  # 800 Hz triangle alone: bins 100+ dB below the peak
]
MEL_CALLS = [320, 320, 320, 481]  # frames per call: 0, 2, 2, 3

VAD_CALLS = [2, 2, 7, 0, 2, 50, 2, 1, 100, 2]  # frames per call, same for all streams
# per stream: (margin_db, start_frames, end_frames, segments [(frames, level)])
VAD_STREAMS = [
    (10.0, 3, 30, [(40, -8.0), (60, -1.0), (50, -8.0), (4, -1.5), (14, -8.0)]),
    (6.0, 1, 5, [(10, -6.0), (2, -3.5), (3, -6.0), (20, 0.5), (10, -6.0), (123, -6.2)]),
    (20.0, 5, 10, [(30, -12.0), (60, -5.0), (78, -12.0)]),  # below ABS_MIN: never speech
    (9.0, 2, 8, [(50, 2.0), (30, -9.0), (40, 1.0), (48, -9.5)]),  # starts loud
]


def kaiser_taps():
    """dsp_tables.h's float32 FIR taps, parsed (they define the filter)."""
    import re
    text = open(__file__.replace('gen_dsp_kat.py', 'dsp_tables.h')).read()
    body = text.split('#define DSP_RS_FIR_INIT')[1].split('}')[0]
    vals = [float.fromhex(v.rstrip('f')) for v in re.findall(r'-?0x[0-9a-fp+.-]+f', body)]
    assert len(vals) == 72
    return np.array(vals, dtype=np.float64)


def rs_reference():
    h = kaiser_taps()
    n_out = sum(RS_CALLS)
    outs = []
    for st in RS_STREAMS:
        x = signal(*st, 3 * n_out)
        full = np.convolve(x, h)  # full[i] = sum_k h[k] x[i - k], zeros before the start
        outs.append(full[3 * np.arange(n_out) + 2].astype(np.float32))
    return outs


def mel_hz_to_mel(f):
    return 1127.0 * np.log(1.0 + f / 700.0)


def mel_weights():
    lo, hi = mel_hz_to_mel(20.0), mel_hz_to_mel(8000.0)
    pts = np.linspace(lo, hi, 82)
    mk = mel_hz_to_mel(np.arange(257) * 16000.0 / 512.0)
    w = np.zeros((80, 257))
    for m in range(80):
        left, centre, right = pts[m], pts[m + 1], pts[m + 2]
        up = (mk > left) & (mk <= centre)
        down = (mk > centre) & (mk < right)
        w[m, up] = (mk[up] - left) / (centre - left)
        w[m, down] = (right - mk[down]) / (right - centre)
    centres = 700.0 * (np.exp(pts[1:-1] / 1127.0) - 1.0)
    band = np.nonzero((centres >= 250.0) & (centres <= 4000.0))[0]
    return w, band[0], band[-1]


def mel_reference():
    w, blo, bhi = mel_weights()
    hann = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(400) / 400.0)
    n = sum(MEL_CALLS)
    nframes = (n - 400) // 160 + 1
    feats, energies = [], []
    for st in MEL_STREAMS:
        y = signal(*st, n)
        f_rows, e_rows = [], []
        for f in range(nframes):
            a = hann * y[160 * f:160 * f + 400]
            p = np.abs(np.fft.rfft(a, 512)) ** 2
            m = w @ p
            f_rows.append(np.log(np.maximum(m, 1e-10)))
            e_rows.append(math.log(max(m[blo:bhi + 1].sum(), 1e-10)))
        feats.append(np.array(f_rows))
        energies.append(np.array(e_rows))
    return feats, energies, nframes, blo, bhi


def vad_energies(seed, segments):
    r = seed
    out = []
    for frames, level in segments:
        for _ in range(frames):
            r ^= (r << 13) & 0xFFFFFFFF
            r ^= r >> 17
            r ^= (r << 5) & 0xFFFFFFFF
            out.append(F32(level) + F32((r >> 24) / 512.0))  # jitter 0..0.5, exact
    return out


def vad_run(margin, start, end, energies):
    """The specification, in numpy float32 arithmetic."""
    floor, primed, speech, run, first = F32(0), False, False, 0, 0
    db = F32(0.2302585)
    abs_min = F32(-3.95)
    rise_q, rise_s = F32(0.0138155106), F32(0.00115129255)
    thr_add = F32(margin) * db
    events = []
    for f, e in enumerate(energies):
        e = F32(e)
        if not primed:
            floor, primed = e, True
        loud = bool(e > F32(floor + thr_add)) and bool(e > abs_min)
        ev = 0
        if not speech:
            if not loud:
                run = 0
            else:
                if run == 0:
                    first = f
                run += 1
                if run >= start:
                    ev, speech, run = 1, True, 0
        else:
            if loud:
                run = 0
            else:
                if run == 0:
                    first = f
                run += 1
                if run >= end:
                    ev, speech, run = 2, False, 0
        if ev:
            events.append((first * 160 + 120, f, ev))
        if e < floor:
            floor = e
        else:
            up = F32(floor + (rise_s if speech else rise_q))
            floor = e if e < up else up
    return events


def hexf(v):
    v = float(np.float32(v))
    if v == 0.0:
        return '0x0p+0f'
    m, e = float.hex(v).split('p')
    return m.rstrip('0').rstrip('.') + 'p' + e + 'f'


def emit_floats(name, vals, per=6):
    print(f'static const float {name}[{len(vals)}] = {{')
    for i in range(0, len(vals), per):
        print('\t' + ', '.join(hexf(v) for v in vals[i:i + per]) + ',')
    print('};')
    print()


def main():
    rs = rs_reference()
    feats, energies, nframes, blo, bhi = mel_reference()
    tables = open(__file__.replace('gen_dsp_kat.py', 'dsp_tables.h')).read()
    assert f'#define DSP_VAD_MEL_LO {blo} ' in tables and f'#define DSP_VAD_MEL_HI {bhi} ' in tables
    vad_seed = 0x5eed1234
    vad_in, vad_ev = [], []
    nvad = sum(VAD_CALLS)
    for i, (margin, start, end, segs) in enumerate(VAD_STREAMS):
        e = vad_energies(vad_seed + i, segs)
        assert len(e) == nvad, (i, len(e))
        vad_in.append(e)
        vad_ev.append(vad_run(margin, start, end, e))

    print('/* Generated by kernels/gen_dsp_kat.py (numpy, float64); do not edit. */')
    print('#ifndef RTC_DSP_KAT_H')
    print('#define RTC_DSP_KAT_H')
    print()
    print('#include <stdint.h>')
    print()
    print('/* Input formula of a stream: see dsp_kat_signal() in kernels.c. */')
    print('struct dsp_kat_sig {')
    print('\tuint32_t seed, period;')
    print('\tint32_t amp, noise_shift;')
    print('};')
    print()
    print('#define DSP_KAT_RS_TOL 1e-5f')
    print('#define DSP_KAT_MEL_TOL_ABS 1e-4f')
    print('#define DSP_KAT_MEL_TOL_REL 1e-6f')
    print(f'#define DSP_KAT_RS_STREAMS {len(RS_STREAMS)}u')
    print(f'#define DSP_KAT_RS_NCALLS {len(RS_CALLS)}u')
    print(f'#define DSP_KAT_RS_OUT {sum(RS_CALLS)}u')
    print(f'#define DSP_KAT_MEL_STREAMS {len(MEL_STREAMS)}u')
    print(f'#define DSP_KAT_MEL_NCALLS {len(MEL_CALLS)}u')
    print(f'#define DSP_KAT_MEL_IN {sum(MEL_CALLS)}u')
    print(f'#define DSP_KAT_MEL_FRAMES {nframes}u')
    print(f'#define DSP_KAT_VAD_STREAMS {len(VAD_STREAMS)}u')
    print(f'#define DSP_KAT_VAD_NCALLS {len(VAD_CALLS)}u')
    print(f'#define DSP_KAT_VAD_FRAMES {nvad}u')
    print(f'#define DSP_KAT_VAD_MAX_EVENTS {max(len(e) for e in vad_ev)}u')
    print(f'#define DSP_KAT_VAD_SEED {vad_seed:#x}u')
    print('/* A queue big enough for every call above (CUDA self-test). */')
    print(f'#define DSP_KAT_QUEUE_STREAMS {max(len(RS_STREAMS), len(MEL_STREAMS), len(VAD_STREAMS))}u')
    print(f'#define DSP_KAT_QUEUE_FRAMES {3 * max(max(RS_CALLS), max(MEL_CALLS))}u')
    print()
    for name, streams in (('rs', RS_STREAMS), ('mel', MEL_STREAMS)):
        print(f'static const struct dsp_kat_sig dsp_kat_{name}_sig[] = {{')
        for seed, period, amp, ns in streams:
            print(f'\t{{{seed:#010x}u, {period}u, {amp}, {ns}}},')
        print('};')
        print()
    print('static const uint32_t dsp_kat_rs_calls[] = {' + ', '.join(map(str, RS_CALLS)) + '};')
    print('static const uint32_t dsp_kat_mel_calls[] = {' + ', '.join(map(str, MEL_CALLS)) +
          '};')
    print('static const uint32_t dsp_kat_vad_calls[] = {' + ', '.join(map(str, VAD_CALLS)) +
          '};')
    print()
    print('/* Resampler: stream s, output n at [s * DSP_KAT_RS_OUT + n]. */')
    emit_floats('dsp_kat_rs_out', np.concatenate(rs))
    print('/* Log-mel: stream s, frame f, bin m at [(s * DSP_KAT_MEL_FRAMES + f) * 80 + m]. */')
    emit_floats('dsp_kat_mel_out', np.concatenate([f.reshape(-1) for f in feats]))
    print('/* Band energy: stream s, frame f at [s * DSP_KAT_MEL_FRAMES + f]. */')
    emit_floats('dsp_kat_mel_energy', np.concatenate(energies))
    print('/* VAD: per stream margin dB, start, end; energies [s * DSP_KAT_VAD_FRAMES + f]. */')
    print('static const float dsp_kat_vad_margin[] = {' +
          ', '.join(hexf(v[0]) for v in VAD_STREAMS) + '};')
    print('static const uint16_t dsp_kat_vad_start[] = {' +
          ', '.join(str(v[1]) for v in VAD_STREAMS) + '};')
    print('static const uint16_t dsp_kat_vad_end[] = {' +
          ', '.join(str(v[2]) for v in VAD_STREAMS) + '};')
    print()
    emit_floats('dsp_kat_vad_energy', np.concatenate(vad_in))
    print('/* Expected events: {sample, frame, kind}; count per stream in dsp_kat_vad_nev. */')
    print('static const uint32_t dsp_kat_vad_nev[] = {' +
          ', '.join(str(len(e)) for e in vad_ev) + '};')
    print('static const uint64_t dsp_kat_vad_ev[][DSP_KAT_VAD_MAX_EVENTS][3] = {')
    for evs in vad_ev:
        print('\t{' + ', '.join(f'{{{a}u, {b}u, {c}u}}' for a, b, c in evs) + '},')
    print('};')
    print()
    print('#endif')
    for i, evs in enumerate(vad_ev):
        print(f'vad stream {i}: {evs}', file=sys.stderr)


if __name__ == '__main__':
    main()
