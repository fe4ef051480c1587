"""One live panel per meeting chapter, each in the module named after its chapter.

=============================  =========================  ===============================
module                         panel                      chapter
=============================  =========================  ===============================
``so3_encodings``              :class:`So3Panel`           SO(3) encodings
``sparx_transforms``           :class:`SamplingPanel`      SPARX transforms and sampling
``rotation_averaging``         :class:`AveragingPanel`     rotation averaging
``bayesian_superposition``     :class:`SuperpositionPanel` Bayesian superposition
``denoising``                  :class:`DenoisingPanel`     denoising
``cryodrgn2``                  :class:`PoseScorePanel`     CryoDRGN2 pose search
``orientation_estimation``     :class:`OrientationPanel`   orientation estimation
``vesper``                     :class:`AlignmentScorePanel` VESPER map alignment
``cryofold``                   :class:`CryofoldPanel`      Cryofold atomic models
``lederman``                   :class:`HyperMoleculePanel` Lederman's hyper-molecules
``generative_reconstruction``  :class:`LatentPanel`        generative reconstruction
=============================  =========================  ===============================

Every panel is a :class:`helpers.presentation.live.Panel`: it declares its controls,
draws its figure once, and updates it in place.
"""

from .bayesian_superposition import SuperpositionPanel
from .cryodrgn2 import PoseScorePanel
from .cryofold import CryofoldPanel
from .denoising import DenoisingPanel
from .generative_reconstruction import LatentPanel
from .lederman import HyperMoleculePanel
from .orientation_estimation import OrientationPanel
from .rotation_averaging import MEAN_STYLES, AveragingPanel
from .so3_encodings import So3Panel
from .sparx_transforms import SamplingPanel
from .vesper import AlignmentScorePanel

__all__ = [
    "So3Panel",
    "SamplingPanel",
    "AveragingPanel",
    "MEAN_STYLES",
    "SuperpositionPanel",
    "DenoisingPanel",
    "PoseScorePanel",
    "OrientationPanel",
    "AlignmentScorePanel",
    "CryofoldPanel",
    "HyperMoleculePanel",
    "LatentPanel",
]
