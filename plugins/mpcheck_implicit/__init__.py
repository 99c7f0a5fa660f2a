"""Built-in topic: Neural implicit representations (course chapter 10)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("implicit", "Neural implicit representations", chapter="10", summary="SDFs, differentiable volumetric rendering, NeRF, Gaussian splatting.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_implicit import encoding, fields, gaussians, rendering, surfaces

    for module in (rendering, encoding, surfaces, gaussians, fields):
        for generator in module.GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_implicit.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)


@hookimpl
def register_references(register):
    from mpcheck_implicit.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
