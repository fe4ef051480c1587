"""Real data shipped with the book: atomic models, EMDB maps and EMPIAR particles.

Every file lives in ``book/data/`` (its provenance, licence and checksum are in
``book/data/README.md``) and is loaded here as arrays with their metadata:

- :func:`load_structure` -- an atomic model (PDB format) as a :class:`Structure`:
  coordinates in Å, element symbols, atom and residue names, residue numbers, chains,
  B-factors, the model number of each atom (NMR ensembles) and the REMARK 350 BIOMT
  operators of the biological assembly.
- :func:`load_map` -- an EMDB map as a :class:`DensityMap` (array ``[z, y, x]``,
  ``voxel_size`` and the ``origin`` of voxel ``[0, 0, 0]`` in Å, the reported resolution).
- :func:`load_particles` -- particle images with pixel size and per-image CTF parameters
  as a :class:`ParticleStack`.
- :func:`read_pdb` -- the PDB reader behind :func:`load_structure`, for any PDB file.

Where the files are found: :func:`data_dir` looks, in order, in the directory named by
the environment variable ``LEARN_CRYOEM_DATA``, in ``helpers/data`` next to this module
(a non-editable install: ``pyproject.toml`` ships ``book/data`` as the package data
``helpers.data``, so ``pip install git+<repository>`` on Colab brings the files along),
and in ``book/data`` of the repository this module sits in (a clone, Binder, or an
editable install). Each file is checked against its SHA-256 before it is read.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import check_bool

__all__ = [
    "FILES",
    "Structure",
    "DensityMap",
    "ParticleStack",
    "data_dir",
    "data_path",
    "read_pdb",
    "load_structure",
    "load_map",
    "load_particles",
]

Array = NDArray[np.float64]

#: file name -> SHA-256 of every data file the loaders read
FILES: dict[str, str] = {
    "5me2.pdb": "03f02baa67021db02426f511dcfdbc34e8c30bb5f7560cbc320caa9c4ef42a5b",
    "emd_3488.mrc": "2fdf1909cbfbc21d3af4230e8a8ff57bf4d4b6ccc72b480992df4dfe39e30209",
    "6vyb_Ndom.pdb": "b925807400c86d6c9b67a2f48d15314035fc6381cbfc6a2baf41b0b9b89ea77c",
    "emd_21457_seg.mrc": "4b5513e98bc8c4c0ce3cb7b2b127955b90278aaa3c68ddfa97ba57861172cf27",
    "1ubi.pdb": "5099c2e6a871eefe14fa98b816c936fb5fa11cd4def16e4f59316d20cb3a3dd7",
    "2k39_ca.pdb": "fbeaed961e6564d5ff077cf6d79b43d2edc6c8e9896aa1753a5a78f80f57af48",
    "4ake_adk_open.pdb": "d988a6845a7489f8641ce8918471e4b2a19e94f46490571bb33522041fc48f9a",
    "1ake_adk_closed.pdb": "e5f4b595e93662f2915630a54769d65ca92566cf7c5cd66646e22a6139aa01fd",
    "5cvz_final.pdb": "fbc306aa653e3a95e54141cce4620b928102bff5dcee1f868ebeba8f28257e6f",
    "empiar_10076_7.mrc": "6503b12593fdf1b28aef73351788fb83c44d935682a03429a51a1fb5d05b9e72",
    "empiar_10076_7.star": "d6b80f02a15d65dfc6af2abef1159473ab16a0744efc09efb0aabce2a99cb626",
}

_STRUCTURES = {
    "5ME2": ("5me2.pdb", "human haemoglobin (cryo-EM model in EMD-3488), 4 chains + 4 haem"),
    "6VYB": ("6vyb_Ndom.pdb", "SARS-CoV-2 spike, N-terminal domain of one chain (cryo-EM)"),
    "1UBI": ("1ubi.pdb", "human ubiquitin, X-ray at 1.8 Å, with 81 waters"),
    "2K39": ("2k39_ca.pdb", "ubiquitin NMR/RDC ensemble, 116 models, C-alpha atoms only"),
    "4AKE": ("4ake_adk_open.pdb", "E. coli adenylate kinase, open (apo), CHARMM hydrogens"),
    "1AKE": ("1ake_adk_closed.pdb", "E. coli adenylate kinase, closed, same atoms as 4AKE"),
    "5CVZ": ("5cvz_final.pdb", "icosahedral capsid protein, one chain + 60 BIOMT operators"),
}
_MAPS = {
    "EMD-3488": ("emd_3488.mrc", 3.2, "human haemoglobin, Volta phase plate, 100^3 box"),
    "EMD-21457": ("emd_21457_seg.mrc", 3.2, "SARS-CoV-2 spike, segment around one NTD"),
}
_PARTICLES = {
    "EMPIAR-10076": ("empiar_10076_7.mrc", "empiar_10076_7.star"),
}


def data_dir() -> Path:
    """The directory holding the book's data files (see the module docstring).

    Returns
    -------
    pathlib.Path
        The directory ``book/data`` of the repository.

    Examples
    --------
    >>> (data_dir() / "5me2.pdb").is_file()
    True
    """
    here = Path(__file__).resolve().parent
    env = os.environ.get("LEARN_CRYOEM_DATA")
    candidates = ([Path(env)] if env else []) + [here / "data", here.parent / "book" / "data"]
    for c in candidates:
        if (c / "5me2.pdb").is_file():
            return c
    raise FileNotFoundError(
        "the book's data files were not found in " + ", ".join(map(str, candidates))
    )


def data_path(name: str, verify: bool = True) -> Path:
    """Path of the data file ``name`` (a key of :data:`FILES`), checked by SHA-256.

    Parameters
    ----------
    name : str
        File name, e.g. ``"emd_3488.mrc"``.
    verify : bool
        Compare the file's SHA-256 with :data:`FILES` and raise ``ValueError`` on a
        mismatch (a truncated download, a Git LFS pointer, an edited file).

    Returns
    -------
    pathlib.Path
        The path of the (verified) file.

    Examples
    --------
    >>> data_path("1ubi.pdb").name
    '1ubi.pdb'
    """
    if not isinstance(name, str) or name not in FILES:
        raise ValueError(f"name must be one of {sorted(FILES)}, got {name!r}")
    verify = check_bool(verify, "verify")
    p = data_dir() / name
    if verify:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        if digest != FILES[name]:
            raise ValueError(f"{name}: SHA-256 {digest} differs from the recorded {FILES[name]}")
    return p


@dataclass(frozen=True)
class Structure:
    """An atomic model: one row per atom (all models of an ensemble stacked).

    Attributes
    ----------
    name : str
        PDB id (or file name).
    coords : ndarray, shape (n, 3)
        ``(x, y, z)`` in Å, in the file's frame.
    elements : ndarray of str, shape (n,)
        Element symbols, capitalised (``"C"``, ``"FE"`` -> ``"Fe"``).
    atom_names, residue_names, chain_ids : ndarray of str, shape (n,)
    residue_ids : ndarray of int, shape (n,)
        Residue sequence numbers.
    b_factors, occupancies : ndarray, shape (n,)
    hetero : ndarray of bool, shape (n,)
        True for HETATM records (ligands, ions, waters).
    model : ndarray of int, shape (n,)
        Model number from the MODEL record (1 when the file has none).
    biomt : ndarray, shape (k, 3, 4)
        REMARK 350 BIOMT operators ``[R | t]`` of biomolecule 1 (``k = 0`` if none):
        a copy of the model is ``coords @ R.T + t``.
    """

    name: str
    coords: Array
    elements: NDArray[np.str_]
    atom_names: NDArray[np.str_]
    residue_names: NDArray[np.str_]
    chain_ids: NDArray[np.str_]
    residue_ids: NDArray[np.int64]
    b_factors: Array
    occupancies: Array
    hetero: NDArray[np.bool_]
    model: NDArray[np.int64]
    biomt: Array = field(default_factory=lambda: np.zeros((0, 3, 4)))

    def __len__(self) -> int:
        return len(self.coords)

    @property
    def n_models(self) -> int:
        """Number of distinct models (116 for the 2K39 ensemble, else usually 1)."""
        return len(np.unique(self.model))

    def select(self, mask: ArrayLike) -> Structure:
        """The atoms where the boolean ``mask`` (shape ``(n,)``) is true.

        Parameters
        ----------
        mask : array_like of bool, shape (n,)
            Which atoms to keep.

        Returns
        -------
        Structure
            A new structure with those atoms (and the same BIOMT operators).

        Examples
        --------
        >>> s = load_structure("1UBI")
        >>> len(s.select(s.atom_names == "CA"))
        76
        """
        m = np.asarray(mask)
        if m.dtype != bool or m.shape != (len(self),):
            raise ValueError(f"mask must be a boolean array of shape ({len(self)},)")
        per_atom = {
            k: getattr(self, k)[m] for k in self.__dataclass_fields__ if k not in ("name", "biomt")
        }
        return replace(self, **per_atom)

    def ensemble(self) -> Array:
        """Coordinates as ``(n_models, n_atoms, 3)``; every model must have the same atoms.

        Returns
        -------
        ndarray, shape (n_models, n_atoms, 3)
            Coordinates in Å, one structure per model.

        Examples
        --------
        >>> load_structure("2K39").ensemble().shape
        (116, 76, 3)
        """
        ids = np.unique(self.model)
        first = self.model == ids[0]
        n = int(first.sum())
        out = np.empty((len(ids), n, 3))
        for i, k in enumerate(ids):
            sel = self.model == k
            if sel.sum() != n or np.any(self.atom_names[sel] != self.atom_names[first]):
                raise ValueError(f"model {k} does not have the same atoms as model {ids[0]}")
            out[i] = self.coords[sel]
        return out

    def assembly(self) -> Array:
        """Coordinates of the biological assembly: every BIOMT copy, ``(k * n, 3)``.

        Returns
        -------
        ndarray, shape (k n, 3)
            Coordinates in Å of all ``k`` BIOMT copies of the ``n`` atoms.

        Examples
        --------
        >>> load_structure("5CVZ").assembly().shape
        (63660, 3)
        """
        if len(self.biomt) == 0:
            raise ValueError(f"{self.name} has no BIOMT operators")
        R, t = self.biomt[:, :, :3], self.biomt[:, :, 3]
        return (np.einsum("kij,nj->kni", R, self.coords) + t[:, None, :]).reshape(-1, 3)


def _element(line: str) -> str:
    """Element of a PDB ATOM/HETATM line: columns 77-78, else inferred from the name."""
    sym = line[76:78].strip() if len(line) >= 78 else ""
    if not sym:
        # no element column (e.g. CHARMM-written files): the name's first letter, except
        # for a lone ion whose residue name is its own atom name (ZN, MG, FE, CL, ...)
        name, res = line[12:16].strip(), line[17:20].strip()
        letters = "".join(ch for ch in name if ch.isalpha())
        sym = letters if (letters == res and len(letters) <= 2) else letters[:1]
    return sym[:1].upper() + sym[1:].lower()


def read_pdb(path: str | Path, name: str | None = None) -> Structure:
    """Read ATOM/HETATM, MODEL and REMARK 350 BIOMT records of a PDB-format file.

    Fixed columns as in the PDB format 3.3: name 13-16, alternate location 17 (only the
    first conformer, blank or ``A``, is kept), residue name 18-20, chain 22, residue
    number 23-26, x/y/z 31-54, occupancy 55-60, B-factor 61-66, element 77-78 (when
    blank, inferred from the atom name). BIOMT operators are those of biomolecule 1.

    Parameters
    ----------
    path : str or Path
        A ``.pdb`` file.
    name : str, optional
        Name stored in the result (default: the file's stem).

    Returns
    -------
    Structure
        Atoms, their records and the BIOMT operators.

    Examples
    --------
    >>> s = read_pdb(data_path("5me2.pdb"))
    >>> len(s), int(s.hetero.sum()), sorted(set(s.elements.tolist()))
    (4468, 172, ['C', 'Fe', 'N', 'O', 'S'])
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be a str or a path, got {type(path).__name__}")
    if name is not None and not isinstance(name, str):
        raise ValueError(f"name must be a string, got {type(name).__name__}")
    rows: list[tuple] = []
    biomt: dict[int, list[list[float]]] = {}
    model, biomolecule = 1, 0
    for line in Path(path).read_text().splitlines():
        rec = line[:6]
        if rec == "MODEL ":
            model = int(line[10:14])
        elif rec in ("ATOM  ", "HETATM"):
            if line[16] not in " A":
                continue
            rows.append(
                (
                    float(line[30:38]),
                    float(line[38:46]),
                    float(line[46:54]),
                    _element(line),
                    line[12:16].strip(),
                    line[17:20].strip(),
                    line[21],
                    int(line[22:26]),
                    float(line[54:60] or 1.0),
                    float(line[60:66] or 0.0),
                    rec == "HETATM",
                    model,
                )
            )
        elif line.startswith("REMARK 350"):
            tok = line.split()
            if len(tok) >= 4 and tok[2] == "BIOMOLECULE:":
                biomolecule = int(tok[3])
            elif len(tok) == 8 and tok[2].startswith("BIOMT") and biomolecule <= 1:
                biomt.setdefault(int(tok[3]), []).append([float(v) for v in tok[4:8]])
    if not rows:
        raise ValueError(f"path {path} holds no ATOM/HETATM records")
    cols = list(zip(*rows))
    ops = np.array([biomt[k] for k in sorted(biomt)], float).reshape(-1, 3, 4)
    return Structure(
        name=name if name is not None else Path(path).stem,
        coords=np.c_[cols[0], cols[1], cols[2]].astype(float),
        elements=np.array(cols[3]),
        atom_names=np.array(cols[4]),
        residue_names=np.array(cols[5]),
        chain_ids=np.array(cols[6]),
        residue_ids=np.array(cols[7], dtype=np.int64),
        occupancies=np.array(cols[8], float),
        b_factors=np.array(cols[9], float),
        hetero=np.array(cols[10], bool),
        model=np.array(cols[11], dtype=np.int64),
        biomt=ops,
    )


def load_structure(pdb_id: str) -> Structure:
    """One of the book's atomic models, by PDB id.

    ============  ==================================================================
    ``"5ME2"``    human haemoglobin, the model built into EMD-3488 (4468 atoms)
    ``"6VYB"``    SARS-CoV-2 spike: the N-terminal domain of one chain (EMD-21457)
    ``"1UBI"``    ubiquitin, X-ray, 1.8 Å (602 protein atoms + 81 waters)
    ``"2K39"``    ubiquitin ensemble from NMR/RDCs: 116 models of 76 C-alpha atoms
    ``"4AKE"``    adenylate kinase, open; 3341 atoms including CHARMM hydrogens
    ``"1AKE"``    adenylate kinase, closed; the same 3341 atoms in the same order
    ``"5CVZ"``    a capsid protein (a refinement output of 5CVZ) with 60 BIOMT operators
    ============  ==================================================================

    Parameters
    ----------
    pdb_id : str
        One of the ids above (case-insensitive).

    Returns
    -------
    Structure
        The model, read from ``book/data``.

    Examples
    --------
    >>> s = load_structure("1AKE")
    >>> s.coords.shape, s.name
    ((3341, 3), '1AKE')
    """
    key = str(pdb_id).upper()
    if key not in _STRUCTURES:
        raise ValueError(f"pdb_id must be one of {sorted(_STRUCTURES)}, got {pdb_id!r}")
    return read_pdb(data_path(_STRUCTURES[key][0]), name=key)


@dataclass(frozen=True)
class DensityMap:
    """A map with its grid: ``data[z, y, x]`` and where voxel ``[0, 0, 0]`` sits.

    Attributes
    ----------
    name : str
        EMDB id.
    data : ndarray, shape (nz, ny, nx)
    voxel_size : float
        Å per voxel (the same along the three axes for these maps).
    origin : ndarray, shape (3,)
        ``(x, y, z)`` in Å of the centre of voxel ``[0, 0, 0]``, in the model's frame.
    resolution : float
        Reported resolution in Å (FSC 0.143).
    """

    name: str
    data: Array
    voxel_size: float
    origin: Array
    resolution: float

    def coordinates(self) -> tuple[Array, Array, Array]:
        """Å coordinates ``(x, y, z)`` of the voxel centres along each axis.

        Returns
        -------
        x, y, z : ndarray
            Coordinates in Å of the voxel centres along each axis, with the map's origin.

        Examples
        --------
        >>> x, y, z = load_map("EMD-3488").coordinates()
        >>> len(x), round(float(x[1] - x[0]), 2)
        (100, 1.05)
        """
        nz, ny, nx = self.data.shape
        o, v = self.origin, self.voxel_size
        return o[0] + v * np.arange(nx), o[1] + v * np.arange(ny), o[2] + v * np.arange(nz)


def load_map(emdb_id: str) -> DensityMap:
    """One of the book's EMDB maps, by id: ``"EMD-3488"`` or ``"EMD-21457"``.

    ``EMD-3488`` is human haemoglobin at 3.2 Å (Volta phase plate), 100³ voxels of
    1.05 Å; its model is ``load_structure("5ME2")``. ``EMD-21457`` is a 48 x 40 x 47
    segment (1.05 Å voxels) of the SARS-CoV-2 spike map around one N-terminal domain;
    its model is ``load_structure("6VYB")``. The origin is the header's ``origin``
    field plus ``nxstart, nystart, nzstart`` voxels, so the models overlay the maps.

    Parameters
    ----------
    emdb_id : str
        ``"EMD-3488"`` or ``"EMD-21457"``.

    Returns
    -------
    DensityMap
        The map with its voxel size and origin.

    Examples
    --------
    >>> m = load_map("EMD-3488")
    >>> m.data.shape, m.voxel_size, m.resolution
    ((100, 100, 100), 1.05, 3.2)
    """
    import mrcfile

    key = str(emdb_id).upper()
    if key not in _MAPS:
        raise ValueError(f"emdb_id must be one of {sorted(_MAPS)}, got {emdb_id!r}")
    fname, res, _ = _MAPS[key]
    with mrcfile.open(str(data_path(fname)), permissive=False) as mrc:
        h = mrc.header
        if (int(h.mapc), int(h.mapr), int(h.maps)) != (1, 2, 3):
            raise ValueError(f"{fname}: axis order {h.mapc, h.mapr, h.maps} is not (1, 2, 3)")
        data = np.asarray(mrc.data, dtype=np.float64).copy()
        vs = round(float(mrc.voxel_size.x), 4)
        start = np.array([h.nxstart, h.nystart, h.nzstart], float)
        origin = np.array([h.origin.x, h.origin.y, h.origin.z], float) + start * vs
    return DensityMap(name=key, data=data, voxel_size=vs, origin=origin, resolution=res)


@dataclass(frozen=True)
class ParticleStack:
    """Particle images with the pixel size and the CTF parameters of each image.

    Attributes
    ----------
    name : str
        EMPIAR id.
    images : ndarray, shape (n, ny, nx)
    pixel_size : float
        Å per pixel (detector pixel / magnification from the STAR file).
    defocus_u, defocus_v : ndarray, shape (n,)
        Defocus along the two principal axes in Å, underfocus positive (RELION).
    defocus_angle : ndarray, shape (n,)
        Azimuth of ``defocus_u`` in **degrees**, as stored by RELION.
    voltage : float
        kV.
    cs : float
        Spherical aberration in mm.
    amplitude_contrast : float
    """

    name: str
    images: Array
    pixel_size: float
    defocus_u: Array
    defocus_v: Array
    defocus_angle: Array
    voltage: float
    cs: float
    amplitude_contrast: float

    @property
    def defocus(self) -> Array:
        """Mean defocus ``(u + v) / 2`` in Å, as :func:`helpers.imaging.ctf` takes it."""
        return 0.5 * (self.defocus_u + self.defocus_v)

    @property
    def astigmatism(self) -> Array:
        """``defocus_u - defocus_v`` in Å, as :func:`helpers.imaging.ctf` takes it."""
        return self.defocus_u - self.defocus_v


def _read_star_loop(path: Path) -> dict[str, list[str]]:
    """Columns of the first ``loop_`` of a STAR file, by label (without ``_rln``)."""
    labels: list[str] = []
    rows: list[list[str]] = []
    in_loop = False
    for line in path.read_text().splitlines():
        s = line.strip()
        if s == "loop_":
            in_loop = True
        elif in_loop and s.startswith("_"):
            labels.append(s.split()[0].removeprefix("_rln"))
        elif in_loop and labels and s and not s.startswith(("#", "data_")):
            rows.append(s.split())
        elif in_loop and rows and not s:
            break
    return {lab: [r[i] for r in rows] for i, lab in enumerate(labels)}


def load_particles(empiar_id: str = "EMPIAR-10076") -> ParticleStack:
    """Seven real particle images of EMPIAR-10076 (bacterial 50S ribosome assembly).

    320 x 320 pixels of 1.31 Å (5 µm detector pixels at 38168x magnification, from the
    STAR file), 300 kV, Cs 2.7 mm, amplitude contrast 0.07, defocus about 1.5 µm.

    Parameters
    ----------
    empiar_id : str
        ``"EMPIAR-10076"`` (the only particle set in the book).

    Returns
    -------
    ParticleStack
        The images with their pixel size and CTF parameters.

    Examples
    --------
    >>> p = load_particles()
    >>> p.images.shape, round(p.pixel_size, 3), p.voltage
    ((7, 320, 320), 1.31, 300.0)
    """
    import mrcfile

    key = str(empiar_id).upper()
    if key not in _PARTICLES:
        raise ValueError(f"empiar_id must be one of {sorted(_PARTICLES)}, got {empiar_id!r}")
    mrc_name, star_name = _PARTICLES[key]
    with mrcfile.open(str(data_path(mrc_name)), permissive=False) as mrc:
        images = np.asarray(mrc.data, dtype=np.float64).copy()
    t = _read_star_loop(data_path(star_name))
    index = [int(s.split("@")[0]) - 1 for s in t["ImageName"]]
    if sorted(index) != list(range(len(images))):
        raise ValueError(f"{star_name} does not list each image of {mrc_name} once")

    def col(label):
        return np.array(t[label], float)[np.argsort(index)]

    def one(label):
        v = np.unique(col(label))
        if len(v) != 1:
            raise ValueError(f"{star_name}: {label} differs between images")
        return float(v[0])

    pixel_size = one("DetectorPixelSize") * 1e4 / one("Magnification")
    return ParticleStack(
        name=key,
        images=images,
        pixel_size=pixel_size,
        defocus_u=col("DefocusU"),
        defocus_v=col("DefocusV"),
        defocus_angle=col("DefocusAngle"),
        voltage=one("Voltage"),
        cs=one("SphericalAberration"),
        amplitude_contrast=one("AmplitudeContrast"),
    )
