"""Paper-scale daily b-value field (Koehler et al., section 2.1): time, peak memory and speed-up over the reference.

The field: 7305 days x 110 x 110 cells (0.1 deg over 35-46N, 135-146E) from an ETAS catalog of about 1.4 million
events (seisnb.synth.simulate_etas, b = 1, M >= 2 in 0.1 bins, 21 years so that the first day has a full window),
r = 0.6 deg, t = 365 days, b-positive. Targets: under 60 s on 2 cores, under 4 GiB peak memory, and at least 100x
faster than `reference_bgrid`. The fast run happens in a child process pinned to 2 cores (its peak RSS is the
memory figure; it includes the catalog table). The reference is timed on a 3 x 3-cell sub-grid in the middle of the
domain over 40 days and over 1 day, which separates its per-cell cost (distances to all events) from its per-cell-day
cost (window selection and the estimator call); both are extrapolated to the 12,100 cells x 7305 days (neither depends
on the grid size). The fast field is also checked against the reference there.

    python bench/bench_bgrid.py [--mu 94] [--days 7305] [--estimator bpositive]
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd

PAPER_LAT, PAPER_LON = (35., 46.), (135., 146.)   # Koehler et al.'s domain, 0.1 deg cells

def child(a):
    "Time compute_bgrid on the pickled catalog; print one JSON line."
    try: os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:a.cores])
    except (AttributeError, OSError): pass
    from seisnb.bgrid import compute_bgrid
    cat = pd.read_pickle(a.catalog)
    kw = dict(r=a.r, t=a.t, estimator=a.estimator, mc=a.mc, start=a.start, end=a.end, n_threads=a.cores, progress=False,
              lat=PAPER_LAT, lon=PAPER_LON)
    compute_bgrid(cat.iloc[:2000], **dict(kw, t=5, start=None, end=None, lat=(38, 39), lon=(140, 141)))  # warm numba
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    ds = compute_bgrid(cat, store=a.store, **kw)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else None
    print(json.dumps(dict(wall_s=wall, cpu_s=(r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime),
                          load=os.getloadavg()[0], peak_rss_gib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                          shape=list(ds.b.shape), cores=cores, delta_m=ds.attrs['delta_m'],
                          delta_m_source=ds.attrs['delta_m_source'])))

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--mu', type=float, default=94., help='ETAS background rate per day (94 gives ~1.4 million events)')
    ap.add_argument('--days', type=int, default=7305); ap.add_argument('--r', type=float, default=0.6); ap.add_argument('--t', type=int, default=365)
    ap.add_argument('--estimator', default='bpositive'); ap.add_argument('--mc', type=float, default=None)
    ap.add_argument('--cores', type=int, default=2); ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--child', action='store_true'); ap.add_argument('--catalog'); ap.add_argument('--store')
    ap.add_argument('--start'); ap.add_argument('--end')
    a = ap.parse_args()
    if a.child: return child(a)
    from seisnb.synth import simulate_etas
    from seisnb.bgrid import reference_bgrid, open_bgrid
    tmp = Path(tempfile.mkdtemp(prefix='bench_bgrid_'))
    t0 = time.perf_counter()
    cat = simulate_etas(t_days=a.days + a.t + 1, mu=a.mu, seed=a.seed, start='1999-01-01')
    start = (pd.Timestamp('1999-01-01') + pd.Timedelta(days=a.t)).date(); end = (pd.Timestamp(str(start)) + pd.Timedelta(days=a.days - 1)).date()
    print(f'catalog: {len(cat):,} ETAS events in {time.perf_counter() - t0:.1f} s; field {start} .. {end}, r={a.r} deg, t={a.t} d, {a.estimator}')
    cat.to_pickle(tmp / 'cat.pkl')
    cmd = [sys.executable, __file__, '--child', '--catalog', str(tmp / 'cat.pkl'), '--store', str(tmp / 'field.zarr'), '--start', str(start), '--end', str(end),
           '--r', str(a.r), '--t', str(a.t), '--estimator', a.estimator, '--cores', str(a.cores)] + (['--mc', str(a.mc)] if a.mc is not None else [])
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode: print(out.stderr); sys.exit(1)
    fast = json.loads(out.stdout.strip().splitlines()[-1])
    n_cd = int(np.prod(fast['shape']))
    # the reference on a sub-grid in the middle of the domain
    cells, days = (slice(54, 57), slice(54, 57)), slice(2000, 2040)
    kw = dict(r=a.r, t=a.t, estimator=a.estimator, mc=a.mc, start=str(start), end=str(end), lat=PAPER_LAT, lon=PAPER_LON)
    t0 = time.perf_counter(); ref = reference_bgrid(cat, cells=cells, days=days, **kw); ref_s = time.perf_counter() - t0
    t0 = time.perf_counter(); reference_bgrid(cat, cells=cells, days=slice(2000, 2001), **kw); ref_1 = time.perf_counter() - t0
    n_c = 9; per_day = max(ref_s - ref_1, 0) / (n_c * 39); per_cell = max(ref_1 / n_c - per_day, 0)   # per cell: distances to all events
    ds = open_bgrid(tmp / 'field.zarr').isel(lat=cells[0], lon=cells[1], time=days).load()
    fb, rb = ds.b.values.astype(float), ref.b.values.astype(float)
    assert (np.isnan(fb) == np.isnan(rb)).all(), 'undefined (NaN) b-values differ from the reference'
    maxdiff = float(np.nanmax(np.abs(fb - rb))) if np.isfinite(fb).any() else 0.0
    assert (ds.n_events.values == ref.n_events.values).all(), 'event counts differ from the reference'
    n_cells = fast['shape'][1] * fast['shape'][2]
    ref_full = n_cells * (per_cell + fast['shape'][0] * per_day); ref_per_cd = ref_full / n_cd
    print(f"fast:      {fast['wall_s']:.1f} s for {n_cd:,} cell-days ({fast['shape']}) on {fast['cores']} cores (CPU time {fast['cpu_s']:.1f} s; "
          f"machine load average {fast['load']:.1f}), peak RSS {fast['peak_rss_gib']:.2f} GiB (zarr store written, fsynced, "
          f"checksums verified); delta_m {fast['delta_m']:g} ({fast['delta_m_source']})")
    print(f"reference: {per_cell*1e3:.1f} ms per cell (distances) + {per_day*1e3:.2f} ms per cell-day, timed on a 3x3-cell sub-grid over 40 and 1 days "
          f"(mean {float(ref.n_events.mean()):.0f} events per cylinder) -> {ref_full/3600:.0f} h extrapolated to the full field ({ref_per_cd*1e3:.2f} ms per cell-day)")
    print(f"ratio:     {ref_full / fast['wall_s']:,.0f}x faster than the reference (per cell-day); max |b_fast - b_ref| = {maxdiff:.1e} on the sub-grid")
    print(f"targets:   time < 60 s: {'PASS' if fast['wall_s'] < 60 else 'MISS'}; memory < 4 GiB: {'PASS' if fast['peak_rss_gib'] < 4 else 'MISS'}; "
          f">= 100x: {'PASS' if ref_full / fast['wall_s'] >= 100 else 'MISS'}; exact (1e-6): {'PASS' if maxdiff <= 1e-6 else 'MISS'}")
    import shutil; shutil.rmtree(tmp, ignore_errors=True)

if __name__ == '__main__': main()
