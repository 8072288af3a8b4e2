"""seisnb.synth.catalog: ETAS simulator, GR magnitudes, planted b-value drops, STAI. Known-truth and bad-input tests."""
import math
import numpy as np, pandas as pd
import pytest
from seisnb.synth import (simulate_etas, gr_magnitudes, omori_delays, power_law_distances, productivity_mean,
                          plant_b_drop, apply_stai, stai_mc, omori_p_mle)
from seisnb.catalog import haversine_km
from seisnb.bvalue import b_aki, b_positive

@pytest.fixture(scope='module')
def cat():
    return simulate_etas(t_days=1000, mu=10, seed=11)

@pytest.mark.parametrize('b', [0.8, 1.0, 1.3])
def test_etas_reproduces_b(b):
    c = simulate_etas(t_days=1000, mu=10, b=b, alpha=0.7 * b, m_max=7.5, seed=2)
    se = b / math.sqrt(len(c))
    assert abs(b_aki(c['mag'], 2.0) - b) < max(4 * se, 0.01) + 0.01   # + Utsu binning approximation (< 0.01)

@pytest.mark.parametrize('b,dm', [(1.0, 0.1), (1.2, None), (0.8, 0.05)])
def test_gr_magnitudes_unbiased(b, dm):
    m = gr_magnitudes(200_000, b, 3.0, None, dm, rng=5)
    assert abs(b_aki(m, 3.0, delta_m=dm or 0) - b) < 0.015
    assert m.min() >= 3.0 - (dm or 0) / 2 - 1e-9

def test_omori_p_of_planted_mainshock():
    for p in (1.1, 1.3):
        c = simulate_etas(t_days=400, mu=1, p=p, c=0.02, mainshocks=[dict(t_days=50., latitude=40., longitude=140., mag=7.2)], seed=4)
        msid = c.attrs['mainshock_ids'][0]
        row = c.set_index('event_id').loc[msid]
        kids = c[c['parent'] == int(msid[4:])]
        assert len(kids) > 1000
        assert abs(omori_p_mle(kids['t_days'] - row['t_days'], 0.02, 400 - row['t_days']) - p) < 0.05

def test_mainshock_given_by_time():
    c = simulate_etas(t_days=100, mu=1, start='2010-01-01', mainshocks=pd.DataFrame(dict(time=['2010-02-01'], latitude=[40.], longitude=[140.], mag=[6.5])), seed=0)
    row = c.set_index('event_id').loc[c.attrs['mainshock_ids'][0]]
    assert row['time'] == pd.Timestamp('2010-02-01', tz='UTC') and row['mag'] == 6.5 and row['generation'] == 0

def test_spatial_kernel_distances():
    c = simulate_etas(t_days=200, mu=0, mainshocks=[dict(t_days=1., latitude=40., longitude=140., mag=7.0)], d=3.0, q=1.5, seed=9)
    row = c.set_index('event_id').loc[c.attrs['mainshock_ids'][0]]
    kids = c[c['parent'] == int(c.attrs['mainshock_ids'][0][4:])]
    r = haversine_km(kids['latitude'], kids['longitude'], row['latitude'], row['longitude'])
    assert abs(np.median(r) - 3.0 * math.sqrt(3)) < 0.4    # median of the q = 1.5 kernel: d sqrt(3)

def test_background_density_and_region():
    dens = np.zeros((4, 4)); dens[0, 0] = 1
    c = simulate_etas(t_days=100, mu=20, k=0, region=(0, 4, 10, 14), bg_density=dens, seed=1)
    assert c['longitude'].between(0, 1).all() and c['latitude'].between(10, 11).all()
    assert (c['generation'] == 0).all()
    assert abs(len(c) - 2000) < 5 * math.sqrt(2000)

@pytest.mark.parametrize('kw,msg', [
    (dict(k=0.4), 'supercritical'), (dict(p=1.0), 'p must be > 1; got 1.0'), (dict(q=0.5), 'q must be > 1; got 0.5'),
    (dict(c=0), 'c must be > 0; got 0'), (dict(mu=-1), 'mu must be >= 0; got -1'), (dict(t_days=0), 't_days must be > 0; got 0'),
    (dict(d=-2.0), 'd must be > 0; got -2.0'), (dict(depth_sd=-1), 'depth_sd must be >= 0'), (dict(mu=float('nan')), 'mu must be >= 0; got nan'), (dict(region=(146, 135, 35, 46)), 'lon_min < lon_max'),
    (dict(region=(1, 2)), 'region must be'), (dict(alpha=1.2, m_max=None), 'supercritical'),
    (dict(bg_density=np.ones(3)), '2-D array'), (dict(mainshocks=[dict(t_days=1e6, latitude=40, longitude=140, mag=7)]), 'mainshock times'),
    (dict(mainshocks=[dict(t_days=1, latitude=40, longitude=140, mag=0.5)]), 'mainshock magnitudes'),
    (dict(t_days=100, mu=100, max_events=500), 'max_events=500'),
])
def test_simulate_bad_input(kw, msg):
    with pytest.raises((ValueError, RuntimeError)) as e: simulate_etas(**{'t_days': 10, **kw})
    assert msg in str(e.value), str(e.value)

@pytest.mark.parametrize('f,args,msg', [
    (gr_magnitudes, (5, 0.0), 'positive b-value'), (gr_magnitudes, (5, 1.0, 3.0, 2.0), 'must exceed'),
    (omori_delays, (5, 0.0, 1.2), 'c must be > 0'), (omori_delays, (5, 0.01, 0.8), 'p must be > 1'),
    (power_law_distances, (5, 1.0, 1.0), 'q must be > 1'), (omori_p_mle, ([1.0], 0.01, 10), '>= 2 delays'),
])
def test_helpers_bad_input(f, args, msg):
    with pytest.raises(ValueError) as e: f(*args)
    assert msg in str(e.value)

def test_plant_vs_null(cat):
    pl, tg = plant_b_drop(cat, min_mag=5.0, drop=0.5, duration_days=400, radius_km=80, seed=1)
    sel = pl['planted'].to_numpy()
    assert sel.sum() > 300 and len(tg) >= 1
    pd.testing.assert_frame_equal(pl.drop(columns=['mag', 'planted']), cat.drop(columns='mag'))
    assert (pl.loc[~sel, 'mag'].to_numpy() == cat.loc[~sel, 'mag'].to_numpy()).all()
    assert abs(b_aki(pl.loc[sel, 'mag'], 2.0) - 0.5) < 0.12
    assert abs(b_aki(cat.loc[sel, 'mag'], 2.0) - 1.0) < 0.15
    # windows: every planted event is before some target, within the radius and the duration
    t = pl['t_days'].to_numpy()
    for i in np.flatnonzero(sel)[:200]:
        dt = tg['time'].map(lambda x: (x - pl['time'].iat[i]) / pd.Timedelta(days=1)).to_numpy()
        r = haversine_km(tg['latitude'], tg['longitude'], pl['latitude'].iat[i], pl['longitude'].iat[i])
        assert ((dt > 0) & (dt <= 400 + 1e-6) & (r <= 80)).any()
    # the large events are untouched (labels of the null and plant agree)
    assert set(pl.loc[pl['mag'] >= 5.0, 'event_id']) == set(cat.loc[cat['mag'] >= 5.0, 'event_id'])
    # targets by id: same result as by magnitude when the ids are the M >= 5 events
    pl2, _ = plant_b_drop(cat, targets=list(tg['event_id']), drop=0.5, duration_days=400, radius_km=80, seed=1)
    pd.testing.assert_frame_equal(pl, pl2)
    pl3, _ = plant_b_drop(cat, min_mag=5.0, drop=0.5, duration_days=400, radius_km=80, seed=2)
    assert not pl3['mag'].equals(pl['mag']) and pl3['planted'].equals(pl['planted'])

def test_plant_without_sim_params(cat):
    bare = cat.copy(); bare.attrs = {}
    with pytest.raises(ValueError, match='pass b='): plant_b_drop(bare, min_mag=5)
    pl, _ = plant_b_drop(bare, min_mag=5, b=1.0, mc=2.0, dm=0.1)
    assert pl['planted'].any()

def test_stai_removes_below_law(cat):
    obs = apply_stai(cat, m_trigger=5.0)
    assert obs.attrs['stai']['n_removed'] == len(cat) - len(obs) > 0
    t, m = obs['t_days'].to_numpy(), obs['mag'].to_numpy()
    for j in np.flatnonzero(cat['mag'].to_numpy() >= 5.0):
        tj, mj = cat['t_days'].iat[j], cat['mag'].iat[j]
        after = (t > tj) & (t < tj + 5)
        assert (m[after] >= stai_mc(mj, t[after] - tj) - 1e-9).all()
    assert set(cat.loc[cat['mag'] >= 5.0, 'event_id']) <= set(obs['event_id'])
    with pytest.raises(ValueError, match='sorted by time'): apply_stai(cat.iloc[::-1])
