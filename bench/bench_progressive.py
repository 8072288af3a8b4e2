"""Speed of the progressive trainer (seisnb.progressive) at the paper's block size.

Measures, for the full-size network (512 x 32 x 32 blocks, 8081 parameters) on 2 CPU threads, with
blocks read lazily from a real zarr b-value store through seisnb.bsamples.BlockSamples:
  * training throughput in blocks/s,
  * the share of step time spent loading data (target: < 30 %),
  * the overhead of the fastai Learner against a plain PyTorch loop on the same model, data and batch order
    (target: within 10 %), printed as ratios.
Run:  .venv/bin/python bench/bench_progressive.py [--batches N] [--threads 2]
"""
import argparse, tempfile, time, warnings
from pathlib import Path
import numpy as np, torch
warnings.filterwarnings('ignore')

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--batches', type=int, default=12, help='batches per timed pass (batch size 32)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--repeats', type=int, default=5, help='alternating passes per method (the best is reported)')
    a = ap.parse_args(argv)
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

if __name__ == '__main__': main()
