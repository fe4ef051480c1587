"""The book's real data: checksums, shapes, metadata, and that the models fit the maps."""

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from numpy.polynomial import polynomial as P

from helpers import datasets as ds
from helpers.imaging import ctf
from helpers.volumes import ELECTRON_F0, resolution_sigma, simulate_map

README = Path(__file__).resolve().parents[1] / "book" / "data" / "README.md"


def cc(a, b):
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


# ---------------------------------------------------------------- files
def test_every_file_matches_its_checksum_and_the_set_is_small():
    total = 0
    for name, digest in ds.FILES.items():
        p = ds.data_path(name, verify=False)
        assert hashlib.sha256(p.read_bytes()).hexdigest() == digest, name
        total += p.stat().st_size
    assert total < 12e6
    # nothing in book/data that the loaders do not know about, besides the README
    on_disk = {p.name for p in ds.data_dir().iterdir()} - {"README.md"}
    assert on_disk == set(ds.FILES)


def test_readme_lists_each_file_with_its_checksum():
    text = README.read_text()
    for name, digest in ds.FILES.items():
        assert name in text, name
        assert digest in text, name
    # and no checksum in the README that is not a file's
    assert set(re.findall(r"\b[0-9a-f]{64}\b", text)) == set(ds.FILES.values())


def test_a_corrupted_file_is_refused(tmp_path, monkeypatch):
    for name in ds.FILES:
        shutil.copy(ds.data_path(name, verify=False), tmp_path / name)
    with open(tmp_path / "1ubi.pdb", "a") as f:
        f.write("REMARK edited\n")
    monkeypatch.setenv("LEARN_CRYOEM_DATA", str(tmp_path))
    assert ds.data_dir() == tmp_path
    with pytest.raises(ValueError, match="SHA-256"):
        ds.load_structure("1UBI")
    ds.load_structure("5ME2")  # an untouched copy still loads


def test_unknown_ids_are_refused():
    with pytest.raises(ValueError, match="pdb_id"):
        ds.load_structure("9XYZ")
    with pytest.raises(ValueError, match="emdb_id"):
        ds.load_map("EMD-1")
    with pytest.raises(ValueError, match="empiar_id"):
        ds.load_particles("EMPIAR-1")
    with pytest.raises(ValueError, match="name"):
        ds.data_path("nothing.pdb")


# ---------------------------------------------------------------- PDB reader
PDB_TEXT = """\
REMARK 350 BIOMOLECULE: 1
REMARK 350   BIOMT1   1  1.000000  0.000000  0.000000        0.00000
REMARK 350   BIOMT2   1  0.000000  1.000000  0.000000        0.00000
REMARK 350   BIOMT3   1  0.000000  0.000000  1.000000        0.00000
REMARK 350   BIOMT1   2  0.000000 -1.000000  0.000000        1.00000
REMARK 350   BIOMT2   2  1.000000  0.000000  0.000000        2.00000
REMARK 350   BIOMT3   2  0.000000  0.000000  1.000000        3.00000
REMARK 350 BIOMOLECULE: 2
REMARK 350   BIOMT1   1  1.000000  0.000000  0.000000        9.00000
REMARK 350   BIOMT2   1  0.000000  1.000000  0.000000        9.00000
REMARK 350   BIOMT3   1  0.000000  0.000000  1.000000        9.00000
MODEL        1
ATOM      1  CA AGLY B  -3       1.000   2.000   3.000  0.60 10.00           C
ATOM      2  CA BGLY B  -3       1.500   2.500   3.500  0.40 10.00           C
ATOM      3 HT1  MET B  12      -4.000   5.250   0.125  1.00 20.00
HETATM    4 ZN    ZN B 101       7.000   8.000   9.000  1.00 30.00
ENDMDL
MODEL        2
ATOM      1  CA AGLY B  -3       1.100   2.000   3.000  0.60 10.00           C
ATOM      3 HT1  MET B  12      -4.000   5.250   0.125  1.00 20.00
HETATM    4 ZN    ZN B 101       7.000   8.000   9.000  1.00 30.00
ENDMDL
"""


def test_read_pdb_fields_models_altlocs_elements_and_biomt(tmp_path):
    f = tmp_path / "x.pdb"
    f.write_text(PDB_TEXT)
    s = ds.read_pdb(f)
    assert len(s) == 6  # altloc B dropped
    assert s.elements.tolist() == ["C", "H", "Zn"] * 2  # HT1 -> H; ZN ion -> Zn
    assert s.residue_ids.tolist() == [-3, 12, 101] * 2
    assert s.chain_ids.tolist() == ["B"] * 6
    assert s.hetero.tolist() == [False, False, True] * 2
    assert s.model.tolist() == [1, 1, 1, 2, 2, 2]
    assert s.n_models == 2
    np.testing.assert_allclose(s.coords[1], [-4.0, 5.25, 0.125])
    np.testing.assert_allclose(s.occupancies[:3], [0.6, 1.0, 1.0])
    np.testing.assert_allclose(s.b_factors[:3], [10.0, 20.0, 30.0])
    assert s.ensemble().shape == (2, 3, 3)
    assert s.biomt.shape == (2, 3, 4)  # biomolecule 2 ignored
    np.testing.assert_allclose(s.biomt[1, :, 3], [1.0, 2.0, 3.0])
    # the second operator turns (1, 2, 3) into (-2 + 1, 1 + 2, 3 + 3)
    np.testing.assert_allclose(s.select(np.arange(6) == 0).assembly()[1], [-1.0, 3.0, 6.0])
    with pytest.raises(ValueError, match="mask"):
        s.select([0, 1])


def test_read_pdb_agrees_with_gemmi():
    gemmi = pytest.importorskip("gemmi")
    for name in ["5me2.pdb", "1ubi.pdb", "6vyb_Ndom.pdb", "5cvz_final.pdb"]:
        ours = ds.read_pdb(ds.data_path(name))
        st = gemmi.read_structure(str(ds.data_path(name)))
        atoms = [(a.pos.x, a.pos.y, a.pos.z, a.element.name) for ch in st[0] for r in ch for a in r]
        # gemmi groups each chain's ligands with it; compare as sets of (x, y, z, element)
        theirs = sorted((round(x, 3), round(y, 3), round(z, 3), e.upper()) for x, y, z, e in atoms)
        mine = sorted(
            (round(x, 3), round(y, 3), round(z, 3), e.upper())
            for (x, y, z), e in zip(ours.coords.tolist(), ours.elements)
        )
        assert mine == theirs, name
        if len(st.assemblies):
            ops = st.assemblies[0].generators[0].operators
            biomt = [np.c_[o.transform.mat.tolist(), o.transform.vec.tolist()] for o in ops]
            np.testing.assert_allclose(ours.biomt, biomt, atol=1e-9)


# ---------------------------------------------------------------- structures
def test_haemoglobin_model_two_alpha_two_beta_four_haem():
    s = ds.load_structure("5ME2")
    protein = s.select(~s.hetero)
    n_res = {c: len(np.unique(protein.residue_ids[protein.chain_ids == c])) for c in "ABCD"}
    # alpha has 141 residues, beta 146; a few terminal ones are not modelled
    for chain, full in {"A": 141, "B": 146, "C": 141, "D": 146}.items():
        assert full - 4 <= n_res[chain] <= full
    assert (s.elements == "Fe").sum() == 4
    assert set(s.residue_names[s.hetero]) == {"HEM"}


def test_ubiquitin_xray_and_nmr_ensemble_are_the_same_protein():
    x = ds.load_structure("1UBI")
    ca = x.select((x.atom_names == "CA") & ~x.hetero)
    nmr = ds.load_structure("2K39")
    ens = nmr.ensemble()
    assert ens.shape == (116, 76, 3)
    assert nmr.n_models == 116
    first = nmr.select(nmr.model == nmr.model[0])
    assert first.residue_names.tolist() == ca.residue_names.tolist()
    # the models differ (a real ensemble), each one close to the crystal structure
    spread = np.linalg.norm(ens - ens.mean(axis=0), axis=-1).mean()
    assert 0.3 < spread < 3.0
    from helpers.superposition import kabsch

    core = slice(0, 70)  # the flexible C-terminal tail excluded
    for m in ens[::23]:
        R, t = kabsch(ca.coords[core], m[core])
        dev = np.sqrt(np.mean(np.sum((m[core] @ R.T + t - ca.coords[core]) ** 2, axis=1)))
        assert dev < 2.0


def test_adenylate_kinase_open_and_closed_share_atoms_and_differ_by_domain_closure():
    o, c = ds.load_structure("4AKE"), ds.load_structure("1AKE")
    assert len(o) == len(c) == 3341
    assert (o.atom_names == c.atom_names).all() and (o.residue_ids == c.residue_ids).all()
    assert len(np.unique(o.residue_ids)) == 214
    assert (o.elements == "H").sum() > 1000  # the files carry CHARMM hydrogens
    from helpers.superposition import kabsch

    m = o.atom_names == "CA"
    R, t = kabsch(c.coords[m], o.coords[m])
    dev = np.sqrt(np.mean(np.sum((o.coords[m] @ R.T + t - c.coords[m]) ** 2, axis=1)))
    assert 5.0 < dev < 9.0  # the LID and NMP domains close by several Å


def test_capsid_biomt_operators_form_the_icosahedral_group():
    s = ds.load_structure("5CVZ")
    assert s.biomt.shape == (60, 3, 4)
    R = s.biomt[:, :, :3]
    np.testing.assert_allclose(
        np.einsum("kji,kjl->kil", R, R), np.broadcast_to(np.eye(3), R.shape), atol=1e-5
    )
    np.testing.assert_allclose(np.linalg.det(R), 1.0, atol=1e-5)
    # closed under composition: every product of two operators is one of the 60
    prod = np.einsum("aij,bjk->abik", R, R).reshape(-1, 1, 9)
    d = np.sort(np.abs(prod - R.reshape(1, 60, 9)).max(axis=-1), axis=1)
    assert d[:, 0].max() < 1e-2  # the file's operators carry 6 decimals after refinement
    assert d[:, 1].min() > 0.1  # and the match is unique
    # rotation angles of the icosahedral group: 1 identity, 15 x 180, 20 x 2 of 120,
    # 12 x 2 of 72 and 12 x 2 of 144 degrees
    ang = np.rad2deg(np.arccos(np.clip((np.trace(R, axis1=1, axis2=2) - 1) / 2, -1, 1)))
    counts = {a: int(np.sum(np.abs(ang - a) < 0.5)) for a in (0, 72, 120, 144, 180)}
    assert counts == {0: 1, 72: 12, 120: 20, 144: 12, 180: 15}
    assert s.assembly().shape == (60 * len(s), 3)


# ---------------------------------------------------------------- maps
def test_map_metadata():
    m = ds.load_map("EMD-3488")
    assert m.data.shape == (100, 100, 100) and m.voxel_size == 1.05 and m.resolution == 3.2
    np.testing.assert_allclose(m.origin, 0.0)
    n = ds.load_map("emd-21457")
    assert n.data.shape == (47, 40, 48)
    x, y, z = n.coordinates()
    assert (len(x), len(y), len(z)) == (48, 40, 47)
    np.testing.assert_allclose([x[0], y[0], z[0]], [162.75, 231.0, 204.75], atol=1e-3)


@pytest.fixture(scope="module")
def haemoglobin():
    return ds.load_map("EMD-3488"), ds.load_structure("5ME2")


def _sim(m, coords, elements, resolution=None):
    res = m.resolution if resolution is None else resolution
    return simulate_map(coords, elements, m.data.shape, m.voxel_size, res, origin=m.origin)


def test_simulated_5me2_fits_emd3488_better_than_a_moved_model(haemoglobin):
    m, s = haemoglobin
    fit = cc(_sim(m, s.coords, s.elements), m.data)
    assert fit > 0.5
    shifted = cc(_sim(m, s.coords + [3.0, 0.0, 0.0], s.elements), m.data)
    c0 = s.coords.mean(axis=0)
    a = np.deg2rad(15.0)
    Rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    rotated = cc(_sim(m, (s.coords - c0) @ Rz.T + c0, s.elements), m.data)
    assert fit > shifted + 0.3 and fit > rotated + 0.3
    # x and z swapped (the [z, y, x] order got wrong) fits far worse too
    assert cc(_sim(m, s.coords[:, ::-1], s.elements), m.data) < fit - 0.3


def test_simulation_at_the_maps_resolution_fits_better_than_at_other_resolutions(haemoglobin):
    m, s = haemoglobin
    at = {r: cc(_sim(m, s.coords, s.elements, r), m.data) for r in (1.5, 3.2, 8.0)}
    assert at[3.2] > at[1.5] and at[3.2] > at[8.0]


def test_spike_ntd_model_fits_its_map_segment():
    m, s = ds.load_map("EMD-21457"), ds.load_structure("6VYB")
    fit = cc(_sim(m, s.coords, s.elements), m.data)
    assert fit > 0.35
    assert fit > cc(_sim(m, s.coords + [0.0, 3.0, 0.0], s.elements), m.data) + 0.15


def test_simulate_map_integral_width_and_origin():
    # the integral of each atom is its f_e(0); the width follows the resolution
    vol = simulate_map([[0.0, 0.0, 0.0], [3.0, -2.0, 1.0]], ["C", "S"], 40, 0.5, 2.0)
    assert vol.sum() * 0.5**3 == pytest.approx(ELECTRON_F0["C"] + ELECTRON_F0["S"], rel=1e-6)
    one = simulate_map([[0.0, 0.0, 0.0]], ["O"], 64, 0.25, 3.0)
    x = (np.arange(64) - 32) * 0.25
    prof = one.sum(axis=(0, 1))
    var = np.sum(prof * x**2) / prof.sum()
    assert np.sqrt(var) == pytest.approx(resolution_sigma(3.0), rel=1e-3)
    # origin= is the same grid as the centred default, moved
    o = np.array([-10.0, -12.0, -8.0])
    a = simulate_map([[1.0, 2.0, 3.0]], ["N"], (16, 24, 20), 1.0, 3.0)
    b = simulate_map([[1.0, 2.0, 3.0]], ["N"], (16, 24, 20), 1.0, 3.0, origin=o)
    np.testing.assert_allclose(a, b, atol=1e-12)
    with pytest.raises(ValueError, match="elements"):
        simulate_map([[0.0, 0.0, 0.0]], ["Xx"], 8, 1.0, 3.0)
    with pytest.raises(ValueError, match="resolution"):
        simulate_map([[0.0, 0.0, 0.0]], ["C"], 8, 1.0, float("nan"))
    with pytest.raises(ValueError, match="voxel_size"):
        simulate_map([[0.0, 0.0, 0.0]], ["C"], 8, -1.0, 3.0)


# ---------------------------------------------------------------- particles
def test_particle_metadata():
    p = ds.load_particles()
    assert p.images.shape == (7, 320, 320)
    assert p.pixel_size == pytest.approx(5.0e4 / 38168)
    np.testing.assert_allclose(p.defocus_u[:2], [15301.1, 15303.0])
    np.testing.assert_allclose(p.defocus_v[:2], [14916.4, 14918.4])
    assert (p.voltage, p.cs, p.amplitude_contrast) == (300.0, 2.7, 0.07)
    np.testing.assert_allclose(p.defocus_angle, 5.28)
    np.testing.assert_allclose(p.astigmatism, p.defocus_u - p.defocus_v)


def test_particle_thon_rings_match_the_star_files_defocus_and_pixel_size():
    """The power spectrum's rings fit the CTF at the STAR defocus; a wrong pixel size
    or defocus would move the best fit."""
    p = ds.load_particles()
    n = p.images.shape[-1]
    power = np.abs(np.fft.fftshift(np.fft.fft2(p.images), axes=(1, 2))) ** 2
    yy, xx = np.indices((n, n)) - n // 2
    r = np.hypot(xx, yy).astype(int).ravel()
    k = np.arange(n // 2) / (n * p.pixel_size)
    band = (k > 1 / 30) & (k < 1 / 6)
    grid = np.linspace(8000.0, 25000.0, 69)
    best = []
    for img in power:
        ps = (np.bincount(r, img.ravel()) / np.bincount(r))[: n // 2]
        trend = P.polyval(k[band], P.polyfit(k[band], np.log(ps[band]), 3))
        resid = np.log(ps[band]) - trend
        scores = [
            cc(resid, ctf(k[band], dz, p.voltage, p.cs, p.amplitude_contrast) ** 2) for dz in grid
        ]
        best.append(grid[int(np.argmax(scores))])
    assert np.median(np.abs(np.array(best) / p.defocus - 1)) < 0.05
