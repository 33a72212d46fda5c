#!/usr/bin/python3
"""Generate kernels/dsp_tables.h: the constant tables that define the AI path's
resampler and log-mel ops (specification in kernels.h). Both backends build
their tables from this one header, so they use the very same float32 values.

Run: /usr/bin/python3 kernels/gen_dsp_tables.py > kernels/dsp_tables.h
     /usr/bin/python3 kernels/gen_dsp_tables.py --report   (filter figures, to stderr)

Standard library only. Every value is computed in double and rounded once to
float32 (struct.pack('<f'), round to nearest even).

Resampler (48 kHz -> 16 kHz, decimate by 3): a 72-tap linear-phase FIR low-pass,
windowed sinc with a Kaiser window, beta = 0.1102 * (70 - 8.7) (Kaiser's formula
for 70 dB), cutoff 7500 Hz (the sinc's -6 dB point), taps scaled in double so
they sum to 1 (unity DC gain) before the float32 rounding.

Log-mel: periodic Hann window of 400 (w[n] = 0.5 - 0.5 cos(2 pi n / 400)), the
twiddles of the 256-point complex FFT (per stage) and of the 512-point real
FFT's split, and 80 HTK triangular mel filters (mel = 1127 ln(1 + f / 700),
fmin 20 Hz, fmax 8000 Hz, 82 points evenly spaced in mel, weights computed in
the mel domain, peak 1, no area normalisation) over bins k = 0..256
(f = k * 16000 / 512), stored sparse (first bin, count, weights).
"""
import math
import struct
import sys

# Resampler
RS_TAPS = 72
RS_FS = 48000.0
RS_FC = 7500.0
RS_ATTEN = 70.0
RS_BETA = 0.1102 * (RS_ATTEN - 8.7)

# Log-mel
MEL_FS = 16000.0
MEL_WIN = 400
MEL_FFT = 512
MEL_BINS = 80
MEL_FMIN = 20.0
MEL_FMAX = 8000.0
NSPEC = MEL_FFT // 2 + 1  # 257
FFT_N = MEL_FFT // 2  # 256-point complex FFT

# VAD band: mel filters whose centre lies in [VAD_FLO, VAD_FHI] Hz.
VAD_FLO = 250.0
VAD_FHI = 4000.0


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def hexf(y):
    y = f32(y)
    if y == 0.0:
        return '-0x0p+0f' if math.copysign(1.0, y) < 0 else '0x0p+0f'
    m, e = float.hex(y).split('p')
    m = m.rstrip('0').rstrip('.')
    return m + 'p' + e + 'f'


def bessel_i0(x):
    s, t, k = 1.0, 1.0, 1
    while True:
        t *= (x / (2 * k)) ** 2
        s += t
        k += 1
        if t < 1e-18 * s:
            return s


def fir_taps():
    c = (RS_TAPS - 1) / 2.0
    h = []
    for k in range(RS_TAPS):
        n = k - c
        x = 2.0 * RS_FC / RS_FS * n
        sinc = math.sin(math.pi * x) / (math.pi * x) if n != 0 else 1.0
        w = bessel_i0(RS_BETA * math.sqrt(1.0 - (n / c) ** 2)) / bessel_i0(RS_BETA)
        h.append(2.0 * RS_FC / RS_FS * sinc * w)
    s = sum(h)
    return [f32(v / s) for v in h]


def hann():
    return [f32(0.5 - 0.5 * math.cos(2.0 * math.pi * n / MEL_WIN)) for n in range(MEL_WIN)]


def fft_twiddles():
    """Stage with half-size h (1, 2, ..., 128) at offset h - 1: e^(-2 pi i j / 2h)."""
    re, im = [], []
    h = 1
    while h < FFT_N:
        for j in range(h):
            a = -math.pi * j / h
            re.append(f32(math.cos(a)))
            im.append(f32(math.sin(a)))
        h *= 2
    return re, im


def rfft_twiddles():
    """cos and sin of 2 pi k / 512, k = 0..256 (the split's W^k = cos - i sin)."""
    c = [f32(math.cos(2.0 * math.pi * k / MEL_FFT)) for k in range(NSPEC)]
    s = [f32(math.sin(2.0 * math.pi * k / MEL_FFT)) for k in range(NSPEC)]
    return c, s


def bitrev():
    bits = FFT_N.bit_length() - 1
    return [int(format(i, f'0{bits}b')[::-1], 2) for i in range(FFT_N)]


def mel(f):
    return 1127.0 * math.log(1.0 + f / 700.0)


def mel_filters():
    lo, hi = mel(MEL_FMIN), mel(MEL_FMAX)
    pts = [lo + i * (hi - lo) / (MEL_BINS + 1) for i in range(MEL_BINS + 2)]
    first, count, off, w = [], [], [], []
    for m in range(MEL_BINS):
        left, centre, right = pts[m], pts[m + 1], pts[m + 2]
        ks = []
        for k in range(NSPEC):
            mk = mel(k * MEL_FS / MEL_FFT)
            if left < mk <= centre:
                v = (mk - left) / (centre - left)
            elif centre < mk < right:
                v = (right - mk) / (right - centre)
            else:
                continue
            ks.append((k, f32(v)))
        assert ks, f'mel filter {m} is empty'
        assert [k for k, _ in ks] == list(range(ks[0][0], ks[-1][0] + 1))
        first.append(ks[0][0])
        count.append(len(ks))
        off.append(len(w))
        w += [v for _, v in ks]
    centres_hz = [700.0 * (math.exp(p / 1127.0) - 1.0) for p in pts[1:-1]]
    return first, count, off, w, centres_hz


def vad_band(centres_hz):
    ms = [m for m, f in enumerate(centres_hz) if VAD_FLO <= f <= VAD_FHI]
    return ms[0], ms[-1]


def report(h):
    """Magnitude response of the float32 taps, in double (stderr)."""
    def mag(f):
        re = sum(v * math.cos(2 * math.pi * f / RS_FS * k) for k, v in enumerate(h))
        im = sum(v * math.sin(2 * math.pi * f / RS_FS * k) for k, v in enumerate(h))
        return math.hypot(re, im)

    grid = [i * 5.0 for i in range(int(RS_FS / 2 / 5) + 1)]
    db = [(f, 20 * math.log10(max(mag(f), 1e-300))) for f in grid]
    ripple = max(abs(d) for f, d in db if f <= 6000)
    p05 = next(f for f, d in db if abs(d) > 0.05)
    m3 = next(f for f, d in db if d < -3)
    stop = max(d for f, d in db if f >= 9000)
    print(f'taps {RS_TAPS}, beta {RS_BETA:.4f}, fc {RS_FC} Hz, sum |h| {sum(map(abs, h)):.4f}',
          file=sys.stderr)
    print(f'passband ripple 0..6000 Hz {ripple:.4f} dB, |H| within 0.05 dB up to {p05} Hz, '
          f'-3 dB at {m3} Hz, max |H| from 9000 Hz {stop:.2f} dB', file=sys.stderr)


def emit(name, vals, fmt, per=6):
    print(f'#define {name} \\')
    print('\t{ \\')
    for i in range(0, len(vals), per):
        print('\t\t' + ', '.join(fmt(v) for v in vals[i:i + per]) + ', \\')
    print('\t}')
    print()


def main():
    h = fir_taps()
    assert h == h[::-1], 'FIR must be symmetric'
    if '--report' in sys.argv:
        report(h)
        return
    tw_re, tw_im = fft_twiddles()
    rc, rs = rfft_twiddles()
    first, count, off, w, centres = mel_filters()
    vlo, vhi = vad_band(centres)
    print('/* Generated by kernels/gen_dsp_tables.py; do not edit. */')
    print('/*')
    print(' * The tables that define the resampler and log-mel ops (kernels.h), as')
    print(' * initialisers shared by the C reference and the CUDA kernels.')
    print(' */')
    print('#ifndef RTC_DSP_TABLES_H')
    print('#define RTC_DSP_TABLES_H')
    print()
    print(f'#define DSP_RS_TAPS {RS_TAPS}')
    print(f'#define DSP_FFT_TW_N {len(tw_re)}')
    print(f'#define DSP_MEL_NW {len(w)}')
    print(f'#define DSP_VAD_MEL_LO {vlo} /* first mel filter centred >= {VAD_FLO:g} Hz: '
          f'{centres[vlo]:.1f} Hz */')
    print(f'#define DSP_VAD_MEL_HI {vhi} /* last mel filter centred <= {VAD_FHI:g} Hz: '
          f'{centres[vhi]:.1f} Hz */')
    print()
    print(f'/* Kaiser-windowed sinc, beta {RS_BETA:.4f}, fc {RS_FC:g} Hz at {RS_FS:g} Hz, '
          'sum 1, symmetric. */')
    emit('DSP_RS_FIR_INIT', h, hexf)
    print(f'/* Periodic Hann window of {MEL_WIN}. */')
    emit('DSP_HANN_INIT', hann(), hexf)
    print('/* e^(-2 pi i j / 2h), stage h = 1, 2, .., 128 at offset h - 1. */')
    emit('DSP_FFT_TW_RE_INIT', tw_re, hexf)
    emit('DSP_FFT_TW_IM_INIT', tw_im, hexf)
    print('/* cos, sin of 2 pi k / 512, k = 0..256. */')
    emit('DSP_RFFT_COS_INIT', rc, hexf)
    emit('DSP_RFFT_SIN_INIT', rs, hexf)
    print('/* 8-bit reversal of 0..255. */')
    emit('DSP_FFT_BITREV_INIT', bitrev(), str, 16)
    print(f'/* HTK mel filters, {MEL_FMIN:g}..{MEL_FMAX:g} Hz: filter m has weights '
          'w[off[m] + i] on bins first[m] + i, i < count[m]. */')
    emit('DSP_MEL_FIRST_INIT', first, str, 16)
    emit('DSP_MEL_COUNT_INIT', count, str, 16)
    emit('DSP_MEL_OFF_INIT', off, str, 16)
    emit('DSP_MEL_W_INIT', w, hexf)
    print('/* Centre frequencies of the mel filters in Hz (documentation and tests). */')
    emit('DSP_MEL_CENTRE_HZ_INIT', centres, lambda v: f'{v:.3f}', 8)
    print('#endif')


if __name__ == '__main__':
    main()
