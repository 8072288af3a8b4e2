"""seisnb.interpret: the property batteries a notebook cannot hold (conservation in float32 and in wide signed nets,
agreement with captum over several configurations and with the rules written out by hand, every supported layer
type) and the bad-input battery. Bias-free conservation, the stacked alpha-beta path and one captum comparison are
checked in nbs/06_interpret.ipynb itself. Tolerances are stated per test (float64 unless noted)."""
import pytest
import torch, torch.nn as nn
import itertools
from seisnb.interpret import lrp, layer_sums, conservation_error, _conv1d_input_grad, class_prototype, _class_loss

torch.set_num_threads(1)
RULES = [dict(rule='epsilon'), dict(rule='alphabeta', beta=0.0), dict(rule='alphabeta', beta=0.5), dict(rule='alphabeta', beta=1.0)]

def conv_net(bias=True, seed=0, c=3):
    torch.manual_seed(seed)
    layers, ci = [], c
    for co in (8, 16, 16):
        layers += [nn.Conv1d(ci, co, 3, 2, 1, bias=bias), nn.ReLU()]
        ci = co
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(16 * 8, 16, bias=bias), nn.ReLU(), nn.Linear(16, 1, bias=bias)).double().eval()

def fc_net(bias=True, seed=0, n_in=20, n_out=4, width=32, dropout=False):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(n_in, width, bias=bias), nn.ReLU(), *([nn.Dropout(0.3)] if dropout else []),
                         nn.Linear(width, width // 2, bias=bias), nn.ReLU(), nn.Linear(width // 2, n_out, bias=bias)).double().eval()

def naive_dense_lrp(Ws, bs, x, target, rule='epsilon', eps=1e-9, beta=0.0):
    "LRP written out with explicit (out, in) contribution matrices, for Linear/ReLU stacks: the reference."
    acts = [x]
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = acts[-1] @ W.T + b
        acts.append(z if i == len(Ws) - 1 else z.clamp(min=0))
    y = acts[-1]
    R = torch.zeros_like(y)
    R[torch.arange(len(y)), target] = y[torch.arange(len(y)), target]
    for W, b, a in zip(reversed(Ws), reversed(bs), reversed(acts[:-1])):
        zjk = a[:, None, :] * W[None]                      # (N, out, in) contributions
        if rule == 'epsilon':
            z = zjk.sum(2) + b
            R = ((zjk / (z + eps * torch.where(z >= 0, 1.0, -1.0))[..., None]) * R[..., None]).sum(1)
        else:
            zp, zn = zjk.clamp(min=0), zjk.clamp(max=0)
            Zp, Zn = zp.sum(2) + b.clamp(min=0) + eps, zn.sum(2) + b.clamp(max=0) - eps
            R = ((1 + beta) * zp / Zp[..., None] - beta * zn / Zn[..., None]).mul(R[..., None]).sum(1)
    return R

# ---- conservation -------------------------------------------------------------------------------

def test_conservation_float32_default_eps():
    """float32 and the paper's eps=1e-6: input relevance within 1e-3 relative (+1e-5 absolute) of the logit; with
    alpha-beta (beta=0) the same where the logit's positive contributions z+ exceed 1e-3 (eps/z+ < 1e-3), and a
    sample whose logit has no positive contribution at all gets exactly zero relevance."""
    net, x = conv_net(bias=False).float(), torch.randn(64, 3, 64) * 5
    with torch.no_grad(): y, h = net(x)[:, 0], net[:-1](x)
    R = lrp(net, x)
    assert ((R.sum((1, 2)) - y).abs() <= 1e-3 * y.abs() + 1e-5).all()
    R = lrp(net, x, rule='alphabeta', beta=0.0)
    zp = (h * net[-1].weight).clamp(min=0).sum(1)
    assert (zp > 1e-3).sum() > 10 and (zp == 0).sum() > 0
    assert ((R.sum((1, 2)) - y).abs() <= 1e-3 * y.abs() + 1e-5)[zp > 1e-3].all()
    assert (R[zp == 0] == 0).all()

@pytest.mark.parametrize('beta', [0.5, 1.0])
def test_conservation_alphabeta_wide(beta):
    "alpha-beta with beta>0 conserves (1e-8 relative) where every neuron has contributions of both signs: a wide signed net."
    torch.manual_seed(3)
    net = nn.Sequential(nn.Linear(64, 64, bias=False), nn.LeakyReLU(0.5), nn.Linear(64, 64, bias=False), nn.LeakyReLU(0.5),
                        nn.Linear(64, 1, bias=False)).double()
    x = torch.randn(16, 64, dtype=torch.float64)
    R, L = lrp(net, x, rule='alphabeta', beta=beta, eps=1e-12, return_layers=True)
    assert conservation_error(L) < 1e-8

def test_bias_share_epsilon():
    "With biases, what a layer loses equals sum_k R_k b_k / (z_k + eps sign z_k), the bias share (1e-10)."
    net, x = fc_net(bias=True, n_out=1), torch.randn(8, 20, dtype=torch.float64)
    R, L = lrp(net, x, eps=1e-9, return_layers=True)
    t = layer_sums(L)
    acts = [x]
    with torch.no_grad():
        for m in net: acts.append(m(acts[-1]))
    names, prev = list(L), 'output'
    for i in reversed(range(len(net))):
        if isinstance(net[i], nn.Linear):
            z = acts[i + 1]
            Rout = L[prev]
            share = (Rout * net[i].bias / (z + 1e-9 * torch.where(z >= 0, 1.0, -1.0))).sum(1)
            assert torch.allclose(torch.tensor(t.loc[prev].values - t.loc[str(i)].values), share.detach(), atol=1e-10)
        prev = str(i)
    assert (layer_sums(L).loc['0'] != layer_sums(L).loc['output']).any()   # biases do absorb relevance here

# ---- agreement with captum and with the written-out rules ---------------------------------------

@pytest.mark.parametrize('bias,dropout,n_out', [(True, False, 4), (False, False, 4), (True, True, 3), (True, False, 1)])
def test_captum_equality_fc(bias, dropout, n_out):
    "Fully connected nets: seisnb's epsilon rule (eps=1e-9) equals captum.attr.LRP's default rules to 1e-5 (float32) / 1e-10 (float64)."
    from captum.attr import LRP
    net, x = fc_net(bias=bias, n_out=n_out, dropout=dropout), torch.randn(12, 20, dtype=torch.float64)
    tgt = torch.randint(0, n_out, (12,))
    ref = LRP(net).attribute(x.clone().requires_grad_(True), target=tgt).detach()
    assert (lrp(net, x, target=tgt, eps=1e-9) - ref).abs().max() < 1e-10
    net32, x32 = net.float(), x.float()
    ref32 = LRP(net32).attribute(x32.clone().requires_grad_(True), target=tgt).detach()
    assert (lrp(net32, x32, target=tgt, eps=1e-9) - ref32).abs().max() < 1e-5

@pytest.mark.parametrize('kw', RULES, ids=['epsilon', 'ab0', 'ab0.5', 'ab1'])
def test_matches_written_out_rules_fc(kw):
    "Linear/ReLU net with biases and signed input: equals eq. 4 / the epsilon rule written with explicit matrices (1e-10)."
    net, x = fc_net(bias=True), torch.randn(10, 20, dtype=torch.float64)
    lin = [m for m in net if isinstance(m, nn.Linear)]
    tgt = torch.randint(0, 4, (10,))
    ref = naive_dense_lrp([m.weight.detach() for m in lin], [m.bias.detach() for m in lin], x, tgt, kw['rule'], 1e-6, kw.get('beta', 0.0))
    assert (lrp(net, x, target=tgt, eps=1e-6, **kw) - ref).abs().max() < 1e-10

@pytest.mark.parametrize('kw', RULES, ids=['epsilon', 'ab0', 'ab0.5', 'ab1'])
def test_conv_equals_dense_equivalent(kw):
    "A Conv1d layer gives the same relevance as the dense matrix it applies (written-out rules, 1e-10)."
    torch.manual_seed(5)
    conv = nn.Conv1d(2, 3, 5, stride=2, padding=2, dilation=1).double()
    head = nn.Linear(3 * 8, 2).double()
    net = nn.Sequential(conv, nn.ReLU(), nn.Flatten(), head)
    x = torch.randn(4, 2, 16, dtype=torch.float64)
    J = torch.autograd.functional.jacobian(lambda v: conv(v.view(1, 2, 16)).flatten(), x[0].flatten())  # (24, 32)
    bconv = conv.bias.detach().repeat_interleave(8)
    tgt = torch.tensor([0, 1, 1, 0])
    ref = naive_dense_lrp([J, head.weight.detach()], [bconv, head.bias.detach()], x.flatten(1), tgt, kw['rule'], 1e-6, kw.get('beta', 0.0))
    assert (lrp(net, x, target=tgt, eps=1e-6, **kw).flatten(1) - ref).abs().max() < 1e-10

def test_class_prototype_adam_matches_torch():
    "class_prototype's written-out Adam follows torch.optim.Adam step for step (float64, 1e-12)."
    torch.manual_seed(0)
    net = conv_net()
    x0 = (torch.randn(2, 3, 64) * 0.1).double()   # class_prototype reads a real-sample init as float32
    out = class_prototype(net, 1, x0, n_iter=25, lr=1e-2)
    x = x0.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=1e-2)
    for p in net.parameters(): p.requires_grad_(False)
    for _ in range(25):
        opt.zero_grad()
        _class_loss(net(x), 1).sum().backward()
        opt.step()
    assert (out['x'] - x.detach()).abs().max() < 1e-12
    assert out['loss'][-1].mean() < out['loss'][0].mean()

def test_conv_input_grad_fast_path():
    "The tap-by-tap input gradient used for few input channels equals torch's convolution backward (1e-12)."
    torch.manual_seed(0)
    for c, k, s, p, d, L in itertools.product([1, 3, 8], [1, 3, 4], [1, 2, 3], [0, 1, 3], [1, 2], [7, 16, 33]):
        if L + 2 * p - d * (k - 1) - 1 < 0: continue
        x, w = torch.randn(2, c, L, dtype=torch.float64), torch.randn(4, c, k, dtype=torch.float64)
        g = torch.randn_like(torch.nn.functional.conv1d(x, w, None, s, p, d))
        ref = torch.ops.aten.convolution_backward(g, x, w, None, (s,), (p,), (d,), False, [0], 1, (True, False, False))[0]
        assert (ref - _conv1d_input_grad(x, w, g, (s,), (p,), (d,), 1)).abs().max() < 1e-12

# ---- layer support --------------------------------------------------------------------------------

def test_batchnorm_folding_matches_explicit_fold():
    "BatchNorm1d after Conv1d/Linear is folded: same relevance as a net with the folded weights written in (1e-10)."
    torch.manual_seed(2)
    conv, bn, lin, bn2, out = nn.Conv1d(3, 4, 3, padding=1).double(), nn.BatchNorm1d(4).double(), nn.Linear(64, 8).double(), nn.BatchNorm1d(8).double(), nn.Linear(8, 1).double()
    for b in (bn, bn2):
        with torch.no_grad():
            b.running_mean.uniform_(-1, 1)
            b.running_var.uniform_(0.5, 2)
            b.weight.uniform_(-2, 2)
            b.bias.uniform_(-1, 1)
    net = nn.Sequential(conv, bn, nn.ReLU(), nn.Flatten(), lin, bn2, nn.ReLU(), out).eval()
    def fold(l, b):
        s = b.weight / (b.running_var + b.eps).sqrt()
        f = type(l)(*((l.in_channels, l.out_channels, 3) if isinstance(l, nn.Conv1d) else (l.in_features, l.out_features))).double()
        if isinstance(l, nn.Conv1d): f.padding = l.padding
        with torch.no_grad():
            f.weight.copy_(l.weight * s.view(-1, *[1] * (l.weight.dim() - 1)))
            f.bias.copy_((l.bias - b.running_mean) * s + b.bias)
        return f
    folded = nn.Sequential(fold(conv, bn), nn.ReLU(), nn.Flatten(), fold(lin, bn2), nn.ReLU(), out).eval()
    x = torch.randn(5, 3, 16, dtype=torch.float64)
    assert torch.allclose(net(x), folded(x), atol=1e-10)
    for kw in RULES: assert (lrp(net, x, **kw) - lrp(folded, x, **kw)).abs().max() < 1e-10

def test_many_layer_types():
    "Grouped/dilated/'same' convs, standalone BN (relevance passes through), LeakyReLU, pools, Dropout, nested Sequential: conserves (1e-8)."
    torch.manual_seed(4)
    net = nn.Sequential(nn.BatchNorm1d(4, affine=False), nn.Conv1d(4, 8, 3, padding='same', bias=False), nn.LeakyReLU(0.1),
                        nn.Sequential(nn.Conv1d(8, 8, 3, groups=4, dilation=2, padding=2, bias=False), nn.ReLU(), nn.MaxPool1d(2)),
                        nn.Conv1d(8, 8, 3, bias=False), nn.ReLU(), nn.AvgPool1d(2), nn.Dropout(0.5), nn.AdaptiveAvgPool1d(4),
                        nn.Flatten(), nn.Linear(32, 2, bias=False)).double()
    with torch.no_grad():
        net[0].running_mean.zero_()
        net[0].running_var.fill_(2.0)
    net.train()   # Dropout is an identity and BatchNorm uses running statistics in LRP, whatever the mode
    x = torch.randn(6, 4, 40, dtype=torch.float64)
    for kw in RULES[:2]:
        R, L = lrp(net, x, target=1, eps=1e-12, return_layers=True, **kw)
        assert R.shape == x.shape and torch.isfinite(R).all()
        assert conservation_error(L) < 1e-8
        assert torch.equal(L['0'], L['1'])   # standalone BatchNorm1d passes relevance through
    assert net.training

def test_target_choice():
    "target=None explains the argmax (several outputs) or the single logit; an int or one index per sample also works."
    net, x = fc_net(bias=False), torch.randn(6, 20, dtype=torch.float64)
    with torch.no_grad(): y = net(x)
    R = lrp(net, x, eps=1e-12)
    assert torch.allclose(R.sum(1), y.max(1).values, rtol=1e-8)
    assert torch.allclose(lrp(net, x, target=2, eps=1e-12).sum(1), y[:, 2], rtol=1e-8)
    t = torch.tensor([0, 1, 2, 3, 0, 1])
    assert torch.allclose(lrp(net, x, target=t, eps=1e-12).sum(1), y[torch.arange(6), t], rtol=1e-8)

def test_inside_no_grad_and_leaves_model_untouched():
    net, x = conv_net(), torch.randn(3, 3, 64, dtype=torch.float64)
    sd = {k: v.clone() for k, v in net.state_dict().items()}
    with torch.no_grad(): R = lrp(net, x, rule='alphabeta', beta=0.5)
    assert torch.isfinite(R).all()
    assert all(torch.equal(sd[k], v) for k, v in net.state_dict().items())
    assert all(p.grad is None for p in net.parameters())

# ---- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize('layer,msg', [(nn.Softmax(-1), 'Softmax'), (nn.Sigmoid(), 'Sigmoid'), (nn.GRU(4, 4), 'GRU'),
                                       (nn.Conv2d(1, 1, 1), 'Conv2d'), (nn.Tanh(), 'Tanh')])
def test_unsupported_layer_named(layer, msg):
    net = nn.Sequential(nn.Linear(4, 4), layer)
    with pytest.raises(NotImplementedError, match=f'layer 1 \\({msg}\\) is not supported'):
        lrp(net, torch.randn(2, 4))

def test_bad_inputs():
    net = conv_net().float()
    x = torch.randn(2, 3, 64)
    class Custom(nn.Module):
        def forward(self, x): return x
    with pytest.raises(TypeError, match='got Custom'): lrp(Custom(), x)
    with pytest.raises(ValueError, match="expected 'epsilon' or 'alphabeta'"): lrp(net, x, rule='z+')
    with pytest.raises(ValueError, match='beta >= 0'): lrp(net, x, rule='alphabeta', beta=-0.5)
    with pytest.raises(ValueError, match='eps >= 0'): lrp(net, x, eps=-1)
    with pytest.raises(ValueError, match="outside the model's 1 outputs"): lrp(net, x, target=1)
    with pytest.raises(ValueError, match='one per sample'): lrp(net, x, target=[0, 0, 0])
    with pytest.raises(TypeError, match='floating-point'): lrp(net, torch.ones(2, 3, 64, dtype=torch.long))
    with pytest.raises(TypeError, match='float64 but the model'): lrp(net, x.double())
    with pytest.raises(ValueError, match='failed on input of shape'): lrp(net, torch.randn(2, 3, 50))
    with pytest.raises(ValueError, match="padding_mode='reflect'"):
        lrp(nn.Sequential(nn.Conv1d(3, 1, 3, padding=1, padding_mode='reflect')), x)
    bn = nn.BatchNorm1d(3, track_running_stats=False)
    with pytest.raises(ValueError, match='track_running_stats=False'):
        lrp(nn.Sequential(bn, nn.Flatten(), nn.Linear(192, 1)), x)
    with pytest.raises(ValueError, match='expected \\(N, n_outputs\\)'):
        lrp(nn.Sequential(nn.Conv1d(3, 2, 3)), x)
