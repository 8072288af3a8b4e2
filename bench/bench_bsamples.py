"""Block loading speed of seisnb.bsamples (Koehler et al. 512 x 32 x 32 blocks) against one CPU training step.

A b-value store of the paper's 110 x 110 cells x ~3 years is computed from an ETAS catalog (seisnb.bgrid.compute_bgrid),
with the default chunks (512, 32, 32) and, for comparison, (128, 16, 16); the LRU chunk cache is kept at 32 MiB, well
below the store's size, so that cache hits are not free. 640 samples at random label days and centres are read
(1) one by one without a chunk cache, (2) with the LRU chunk cache in random order, (3) in time order (how the
progressive training grows its pool), and (4) through `BlockSamples.dataloaders` in shuffled batches of 32. The
reference is one training step (forward, backward, Adam) of the paper's network (`seisnb.progressive.BValueNet`,
8081 parameters) on a batch of 32 blocks, on the same CPU threads.

    python bench/bench_bsamples.py [--n 640] [--threads 2]
"""
import argparse, shutil, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--n', type=int, default=640); ap.add_argument('--threads', type=int, default=2); ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--cache_mb', type=float, default=32, help='LRU chunk cache; kept well below the store size (the paper-scale store is 353 MB of b)')
    a = ap.parse_args()
    import torch; torch.set_num_threads(a.threads)
    from seisnb.synth import simulate_etas
    from seisnb.bgrid import compute_bgrid
    from seisnb.bsamples import BlockSamples
    tmp = Path(tempfile.mkdtemp(prefix='bench_bsamples_'))
    region = (135., 146., 35., 46.)
    cat = simulate_etas(t_days=365.25 * 4, region=region, mu=40., seed=a.seed, start='2000-01-01')
    T, H, W = 512, 32, 32
    rng = np.random.default_rng(a.seed)
    res = {}
    for chunks in ((512, 32, 32), (128, 16, 16)):
        st = tmp / f'b_{chunks[0]}_{chunks[1]}.zarr'
        t0 = time.perf_counter()
        ds = compute_bgrid(cat, r=0.6, t=365, lon=region[:2], lat=region[2:], store=st, chunks=chunks, progress=False, n_threads=a.threads)
        if not res: print(f'catalog {len(cat):,} events; store {dict(ds.sizes)} ({ds.b.nbytes / 2**20:.0f} MiB of b) computed in {time.perf_counter() - t0:.1f} s; chunk cache {a.cache_mb:g} MiB')
        D, nla, nlo = ds.sizes['time'], ds.sizes['lat'], ds.sizes['lon']
        it = rng.integers(T, D, a.n); il = rng.integers(H // 2, nla - H + H // 2 + 1, a.n); jl = rng.integers(W // 2, nlo - W + W // 2 + 1, a.n)
        meta = pd.DataFrame(dict(time=ds.time.values[it], lat=ds.lat.values[il], lon=ds.lon.values[jl], i_time=it, i_lat=il, i_lon=jl,
                                 label=rng.integers(0, 2, a.n), mag=np.nan, n_mean=np.nan))
        r = {}
        s = BlockSamples(st, meta, (T, H, W), cache_mb=0)
        t0 = time.perf_counter(); [s.block(i) for i in range(min(a.n, 160))]; r['no cache, random'] = min(a.n, 160) / (time.perf_counter() - t0)
        s = BlockSamples(st, meta, (T, H, W), cache_mb=a.cache_mb)
        t0 = time.perf_counter(); [s.block(i) for i in range(a.n)]; r['LRU cache, random order'] = a.n / (time.perf_counter() - t0)
        s = BlockSamples(st, meta, (T, H, W), cache_mb=a.cache_mb)
        order = np.argsort(it, kind='stable')
        t0 = time.perf_counter(); [s.block(int(i)) for i in order]; r['LRU cache, time order'] = a.n / (time.perf_counter() - t0)
        s = BlockSamples(st, meta, (T, H, W), cache_mb=a.cache_mb)
        dls = s.dataloaders(np.arange(a.n), np.arange(0), bs=32, seed=a.seed)
        t0 = time.perf_counter(); nb = sum(len(xb) for xb, yb in dls.train); r['fastai DataLoader, bs=32 shuffled'] = nb / (time.perf_counter() - t0)
        res[chunks] = r
    from seisnb.progressive import BValueNet
    from seisnb.learn import n_params
    net = BValueNet(T, H); opt = torch.optim.Adam(net.parameters(), 1e-4, weight_decay=1e-5)
    xb, yb = torch.from_numpy(np.stack([s.block(i)[None] for i in range(32)])), torch.from_numpy(meta.label.to_numpy()[:32].astype(np.float32))
    ts = []
    for _ in range(4):
        t0 = time.perf_counter(); opt.zero_grad(); loss = (torch.sigmoid(net(xb)) - yb).abs().mean(); loss.backward(); opt.step(); ts.append(time.perf_counter() - t0)
    step = float(np.median(ts[1:]))
    print(f'training step (BValueNet, {n_params(net)} parameters, batch 32 x 1 x {T} x {H} x {W}, {a.threads} threads): {step:.3f} s -> {32 / step:.0f} blocks/s consumed')
    for ch, r in res.items():
        print(f'chunks {ch}:')
        for k, v in r.items(): print(f'  {k:36s} {v:8.1f} blocks/s  ({v / (32 / step):5.2f}x the training step)')
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == '__main__': main()
