"""Audio helpers of the media tests: a speech source and how close a recording is to it.

speech_wav() makes a WAV with espeak-ng; load_mono16k() reads a WAV as mono at
16 kHz; best_corr() is the peak normalized cross-correlation of a recording
against the (looped) source over every lag: 1.0 for the same waveform, ~0 for
unrelated audio; windowed_corr() the median of it over half-second windows
(for recordings with gaps). numpy from Debian's /usr/bin/python3.
"""
import os
import subprocess


def speech_wav(tmp):
    path = os.path.join(tmp, "speech.wav")
    subprocess.run(["espeak-ng", "-s", "150", "-w", path,
                    "Hello from the edge. This is a test of the selective forwarding unit. "
                    "One two three four five six seven eight nine ten."], check=True)
    return path


def load_mono16k(path):
    import wave
    import numpy as np
    with wave.open(path) as w:
        rate, n, ch = w.getframerate(), w.getnframes(), w.getnchannels()
        x = np.frombuffer(w.readframes(n), dtype=np.int16).astype(np.float64)
    if ch == 2:
        x = x.reshape(-1, 2).mean(axis=1)
    t = np.arange(0, len(x) / rate, 1 / 16000.0)
    return np.interp(t, np.arange(len(x)) / rate, x)


def best_corr(rec, src):
    """Peak normalized cross-correlation of @rec against @src (looped twice) over all lags."""
    import numpy as np
    src2 = np.concatenate([src, src, src])
    rec = rec - rec.mean()
    if len(rec) > len(src):
        rec = rec[:len(src)]
    n = len(rec)
    nfft = 1 << int(np.ceil(np.log2(len(src2) + n)))
    c = np.fft.irfft(np.fft.rfft(src2, nfft) * np.conj(np.fft.rfft(rec, nfft)), nfft)[:len(src2) - n]
    # normalise by the energy of each window of src2
    cs = np.concatenate([[0.0], np.cumsum(src2 ** 2)])
    win = np.sqrt(np.maximum(cs[n:n + len(c)] - cs[:len(c)], 1e-9))
    return float(np.max(c / (win * np.sqrt(np.sum(rec ** 2)) + 1e-9)))


def windowed_corr(rec, src, win=1600):
    """The median of best_corr() over @win-sample windows of @rec (0.1 s at 16 kHz): robust to
    gaps, where a receiver that conceals nothing shifts everything after a loss. A short
    window finds some lag that fits: another espeak-ng sentence scores 0.53 this way (0.09
    whole), noise 0.10, the same speech 1.0 (measured here)."""
    import numpy as np
    vals = [best_corr(rec[i:i + win], src) for i in range(0, len(rec) - win + 1, win)
            if np.std(rec[i:i + win]) > 1e-3]
    return float(np.median(vals)) if vals else 0.0
