"""Built-in topic: normalizing flows (course chapter 6)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("flows", "Normalizing flows", chapter="6",
              summary="Change of variables, coupling layers, squeeze, ActNorm, invertible 1×1 convolutions, log-determinants.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_flows import coupling, density, logdet, squeeze

    for module in (density, logdet, coupling, squeeze):
        for generator in module.GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_flows.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)


@hookimpl
def register_references(register):
    from mpcheck_flows.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
