"""Paper-scale ETAS timing for seisnb.synth.simulate_etas (notebook 00a_synth).

Measures, in one process:
1. the paper-scale catalog (21 years, 11x11 degree box, ~1.4 million events) over several seeds:
   wall time, event count, Aki-Utsu b of the result (must match the b given);
2. a per-parent Python-loop baseline (the textbook event-by-event cascade) against the vectorised
   generation-by-generation simulator on the same parameters over one year, as events per second,
   and prints the speed ratio.

Run: .venv/bin/python bench/bench_etas.py [--seeds 3] [--baseline-days 365]
"""
import argparse, math, time
import numpy as np
from seisnb.synth import simulate_etas, gr_magnitudes, omori_delays, power_law_distances
from seisnb.bvalue import b_aki

PAPER = dict(t_days=7670., region=(135., 146., 35., 46.), mu=90., k=0.15, alpha=0.8, c=0.01, p=1.1, b=1.0,
             mc=2.5, m_max=9.0, dm=0.1, d=2.0, q=1.5, start='1999-01-01')

def baseline(t_days, mu, k, alpha, c, p, b, mc, m_max, dm, d, q, seed=0, region=(135., 146., 35., 46.), **_):
    "Event-by-event cascade: a queue of parents, each drawing its own children (no table assembly)."
    rng = np.random.default_rng(seed)
    m_lo = mc - dm / 2
    lon0, lon1, lat0, lat1 = region
    n = rng.poisson(mu * t_days)
    queue = list(zip(rng.uniform(0, t_days, n), rng.uniform(lon0, lon1, n), rng.uniform(lat0, lat1, n),
                     gr_magnitudes(n, b, m_lo, m_max, None, rng)))
    out = []
    while queue:
        t, lon, lat, m = queue.pop()
        out.append((t, lon, lat, m))
        nk = rng.poisson(k * 10 ** (alpha * (m - m_lo)))
        for _ in range(nk):
            tc = t + omori_delays(1, c, p, rng)[0]
            if tc >= t_days: continue
            r, th = power_law_distances(1, d, q, rng)[0], rng.uniform(0, 2 * math.pi)
            queue.append((tc, lon + r * math.cos(th) / (111.195 * math.cos(math.radians(lat))),
                          lat + r * math.sin(th) / 111.195, gr_magnitudes(1, b, m_lo, m_max, None, rng)[0]))
    return len(out)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('--baseline-days', type=float, default=365.)
    a = ap.parse_args()
    print('paper-scale parameters:', PAPER)
    times = []
    for s in range(a.seeds):
        t0 = time.perf_counter(); cat = simulate_etas(**PAPER, seed=s); dt = time.perf_counter() - t0
        times.append(dt)
        print(f'seed {s}: {len(cat):,} events ({cat.attrs["n_simulated"]:,} simulated, {cat.attrs["dropped"]["outside_region"]:,} outside the box), '
              f'max M {cat["mag"].max():.1f}, Aki-Utsu b = {b_aki(cat["mag"], PAPER["mc"]):.4f}, {dt:.2f} s')
    print(f'paper scale: median {np.median(times):.2f} s, max {max(times):.2f} s per catalog (target < 60 s)')
    small = {**PAPER, 't_days': a.baseline_days}
    t0 = time.perf_counter(); nb = baseline(**small, seed=0); tb = time.perf_counter() - t0
    t0 = time.perf_counter(); nv = simulate_etas(**small, seed=0).attrs['n_simulated']; tv = time.perf_counter() - t0
    print(f'{a.baseline_days:.0f} days: event-by-event baseline {nb:,} events in {tb:.2f} s ({nb/tb:,.0f} ev/s); '
          f'vectorised {nv:,} events in {tv:.3f} s ({nv/tv:,.0f} ev/s); speed ratio {(nv/tv)/(nb/tb):.0f}x')

if __name__ == '__main__': main()
