"""Built-in topic: Mathematical tools (course chapter 14)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("math", "Mathematical tools", chapter="14", summary="Secant method, planes, determinant lemma, Gaussians, Bayes, implicit differentiation.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_math import chain, determinant, implicit, plane, probability, secant

    for module in (implicit, chain, secant, plane, determinant, probability):
        for generator in module.GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_math.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)
