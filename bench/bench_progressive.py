"""Speed of the progressive trainer (seisnb.progressive) at the paper's block size.

Measures, for the full-size network (512 x 32 x 32 blocks, 8081 parameters) on 2 CPU threads, with
blocks read lazily from a real zarr b-value store through seisnb.bsamples.BlockSamples:
  * training throughput in blocks/s,
  * the share of step time spent loading data (target: < 30 %),
  * the overhead of the fastai Learner against a plain PyTorch loop on the same model, data and batch order
    (target: within 10 %), printed as ratios,
  * the PROJECTED time of one paper-scale configuration (meta-epochs x pool size x epochs / measured throughput):
    the meta-epoch schedule of the USGS Japan catalog 2000-2019 (14-day segments, pool = every earlier EQ + as many
    nEQ, 20 epochs) where the data mirror has it, else the paper's 1289 EQ spread evenly; and of the 432-config search.
Run:  .venv/bin/python bench/bench_progressive.py [--batches N] [--threads 2]
"""
import argparse, tempfile, time, warnings
from pathlib import Path
import numpy as np, torch
warnings.filterwarnings('ignore')

def paper_schedule(meta_days:int=14, first='2000-01-01', last='2019-12-31', margin:float=1.6):
    "(label days of the EQ samples, source): M >= 5 events 2000-2019 at least `margin` deg inside the Japan box."
    import pandas as pd
    from seisnb.data import dataset_available
    if dataset_available('japan_usgs'):
        from seisnb.progressive.japan import japan_catalog
        jp = japan_catalog()
        inner = jp.latitude.between(35 + margin, 46 - margin) & jp.longitude.between(135 + margin, 146 - margin)
        eq = jp[inner & (jp.mag >= 5) & (jp.time >= first) & (jp.time <= last)]
        return pd.DatetimeIndex(eq.time.dt.tz_localize(None) if eq.time.dt.tz else eq.time), 'USGS Japan M>=5 (inner box)'
    days = pd.date_range(first, last, periods=1289)
    return days, "the paper's 1289 EQ, spread evenly"

def project(throughput:float, epochs:int=20, meta_days:int=14, min_segments:int=6, first='2000-01-01') -> dict:
    "Sample passes and hours of one progressive run at `throughput` blocks/s (pool = 2 x EQ before each segment)."
    import pandas as pd
    days, src = paper_schedule(meta_days, first)
    seg = ((days - pd.Timestamp(first)).days // meta_days).to_numpy()
    n_seg = int(seg.max()) + 1
    eq_in = np.bincount(seg, minlength=n_seg)
    trained = [v for v in range(min_segments, n_seg) if eq_in[v]]
    pool = np.array([2*eq_in[:v].sum() for v in trained])
    passes = int(pool.sum())*epochs
    return dict(source=src, n_eq=len(days), meta_epochs=len(trained), mean_pool=float(pool.mean()), epochs=epochs,
                passes=passes, hours=passes/throughput/3600)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--batches', type=int, default=12, help='batches per timed pass (batch size 32)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--repeats', type=int, default=5, help='alternating passes per method (the best is reported)')
    ap.add_argument('--throughput', type=float, nargs='*', default=None,
                    help='skip the timing and only project the paper-scale cost at these blocks/s')
    a = ap.parse_args(argv)
    if a.throughput is not None:
        for thr in a.throughput or [50.0]:
            pr = project(thr)
            print(f"PROJECTED one paper-scale configuration at {thr:.1f} blocks/s: {pr['meta_epochs']} meta-epochs x "
                  f"mean pool {pr['mean_pool']:.0f} x {pr['epochs']} epochs = {pr['passes']:,} block passes -> "
                  f"{pr['hours']:.1f} h; 432 configurations: {432*pr['hours']/24:.0f} days ({pr['source']}, {pr['n_eq']} EQ)")
        return
    torch.set_num_threads(a.threads)
    from seisnb.progressive import synth_catalog, bstore, BValueNet, BlockDS, weighted_mae
    from seisnb.learn import n_params
    from seisnb.bsamples import make_samples
    from fastai.learner import Learner
    from fastai.data.core import DataLoaders
    from fastai.data.load import DataLoader as FaDL
    from fastai.optimizer import Adam
    from fastai.callback.progress import ProgressCallback

    work = Path(tempfile.mkdtemp(prefix='bench09_'))
    t0 = time.time()
    cat = synth_catalog('planted', t_days=1100, region=(140., 146., 36., 42.), mu=40, seed=0)
    store = bstore(0.3, 60, cat, work)
    s = make_samples(cat, store, m_eq=5.0, m_lim=4.5, block=(512, 32, 32), per_eq=40, segment_days=14, seed=0, verbose=False)
    n = a.batches * 32
    if len(s) < n: raise SystemExit(f'only {len(s)} samples; need {n}')
    idx = np.random.default_rng(0).choice(len(s), n, replace=False)
    print(f'setup {time.time()-t0:.1f} s: {s}; {a.threads} threads')

    ds = BlockDS(s, idx)
    model0 = BValueNet(); print(f'network: {n_params(model0)} parameters')
    state0 = {k: v.clone() for k, v in model0.state_dict().items()}
    order = torch.randperm(n, generator=torch.Generator().manual_seed(0)).tolist()

    def plain():
        "Plain PyTorch loop; returns (total s, loading s)."
        model = BValueNet(); model.load_state_dict(state0); model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=1e-5)
        dl = torch.utils.data.DataLoader(torch.utils.data.Subset(ds, order), batch_size=32, shuffle=False)
        t_load, c_load, t, c = 0.0, 0.0, time.perf_counter(), time.process_time(); it = iter(dl)
        while True:
            tl, cl = time.perf_counter(), time.process_time()
            try: x, y, w = next(it)
            except StopIteration: break
            t_load += time.perf_counter() - tl; c_load += time.process_time() - cl
            opt.zero_grad(); loss = weighted_mae(model(x), y, w); loss.backward(); opt.step()
        return time.perf_counter() - t, t_load, time.process_time() - c, c_load

    def fastai():
        "The trainer's fastai Learner.fit(1) on the same data, order and starting weights."
        model = BValueNet(); model.load_state_dict(state0)
        dl = FaDL(torch.utils.data.Subset(ds, order), bs=32, shuffle=False)
        learn = Learner(DataLoaders(dl, FaDL(torch.utils.data.Subset(ds, []), bs=32)), model, loss_func=weighted_mae, lr=1e-4, wd=1e-5, wd_bn_bias=True,
                        opt_func=lambda ps, lr: Adam(ps, lr, mom=0.9, sqr_mom=0.999, eps=1e-8, wd=1e-5, decouple_wd=False))
        learn.remove_cbs([cb for cb in learn.cbs if isinstance(cb, ProgressCallback)]); learn.logger = lambda *a_, **k_: None
        learn.dls.n_inp = 1
        t, c = time.perf_counter(), time.process_time(); learn.fit(1, 1e-4); return time.perf_counter() - t, time.process_time() - c

    def load_only():
        dl = torch.utils.data.DataLoader(torch.utils.data.Subset(ds, order), batch_size=32, shuffle=False)
        t, c = time.perf_counter(), time.process_time()
        for _ in dl: pass
        return time.perf_counter() - t, time.process_time() - c

    plain(); fastai()                        # warm-up: chunk cache, allocator, kernels
    P, F, L = [], [], []
    for _ in range(a.repeats):
        P.append(plain()); F.append(fastai()); L.append(load_only())
    # wall clock (best pass) and CPU time (process time: insensitive to other jobs on a shared machine)
    tp, tl, cp, cl = min(P, key=lambda x: x[0]); tf, cf = min(F, key=lambda x: x[0]); tlo, clo = min(L, key=lambda x: x[0])
    cp_, cl_ = min(P, key=lambda x: x[2])[2:]; cf_ = min(x[1] for x in F)
    print(f'plain PyTorch loop : {tp:6.2f} s wall, {cp_:6.2f} s CPU for {n} blocks = {n/tp:6.1f} blocks/s wall (loading {tl:.2f} s wall inside the loop)')
    print(f'fastai Learner.fit : {tf:6.2f} s wall, {cf_:6.2f} s CPU for {n} blocks = {n/tf:6.1f} blocks/s wall')
    print(f'loading alone      : {tlo:6.2f} s wall, {clo:6.2f} s CPU = {n/tlo:6.1f} blocks/s')
    print(f'THROUGHPUT full-size model, {a.threads} threads: {n/min(tp, tf):.1f} blocks/s wall; {n/cp_*a.threads:.1f} blocks/s at full use of {a.threads} cores (CPU time)')
    print(f'RATIO loading share of step time      : wall {tl/tp:.3f}, CPU {cl_/cp_:.3f}   (target < 0.30)')
    print(f'RATIO fastai / plain PyTorch time     : wall {tf/tp:.3f}, CPU {cf_/cp_:.3f}   (target <= 1.10)')
    mp, mf = float(np.median([x[2] for x in P])), float(np.median([x[1] for x in F]))
    print(f'RATIO fastai / plain PyTorch, median CPU time over passes: {mf/mp:.3f}')
    print(f'all passes, wall s: plain {[round(x[0], 2) for x in P]}, fastai {[round(x[0], 2) for x in F]}, load {[round(x[0], 2) for x in L]}')
    print(f'all passes, CPU s : plain {[round(x[2], 2) for x in P]}, fastai {[round(x[1], 2) for x in F]}, load {[round(x[1], 2) for x in L]}')
    for name, thr in (('wall, this shared machine', n/min(tp, tf)), (f'full use of {a.threads} cores (CPU time)', n/cp_*a.threads)):
        pr = project(thr)
        print(f"PROJECTED one paper-scale configuration ({name}, {thr:.1f} blocks/s): {pr['meta_epochs']} meta-epochs x "
              f"mean pool {pr['mean_pool']:.0f} x {pr['epochs']} epochs = {pr['passes']:,} block passes -> {pr['hours']:.1f} h; "
              f"432 configurations: {432*pr['hours']/24:.0f} days on one such machine ({pr['source']}, {pr['n_eq']} EQ)")

if __name__ == '__main__': main()
