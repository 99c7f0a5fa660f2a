"""The gan concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

import math
from collections import Counter

import pytest

from mpcheck.problem import Problem
from mpcheck.questions import builtin_bank
from mpcheck_gan import discriminator, fid

BANK = builtin_bank("gan")


def test_bank_covers_the_summary():
    tags = Counter(tag for q in BANK for tag in q.tags)
    for topic in ("discriminator", "jsd", "generator", "mode-collapse", "fid", "gradient-penalty", "adain",
                  "stylegan", "inversion", "3d-gan", "pix2pix", "cyclegan", "image-translation"):
        assert tags[topic] >= 1, f"no question tagged {topic!r}"
    for section in ("fid", "stylegan", "3d-gan", "image-translation"):
        assert tags[section] >= 2, f"fewer than 2 questions on {section!r}"


def numeric_answer(question_id):
    (question,) = [q for q in BANK if q.id == question_id]
    return question.solve({})


def test_numeric_answers_agree_with_the_generators():
    same = {"p_data": [0.3, 0.7], "p_model": [0.3, 0.7]}
    assert numeric_answer("gan.q-global-optimum-value") == pytest.approx(
        Problem.from_params(discriminator.OPTIMAL_VALUE, same).answer)
    assert numeric_answer("gan.q-global-optimum-value") == pytest.approx(-math.log(4))
    gaussians = {"mu1": [0], "sigma1": [[4]], "mu2": [1], "sigma2": [[1]]}
    assert numeric_answer("gan.q-fid-gaussians") == pytest.approx(Problem.from_params(fid.FID, gaussians).answer)
