"""Built-in topic: ML basics and optimisation (course chapter 12)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("ml", "ML basics and optimisation", chapter="12", summary="Activations, losses, backprop, perceptron, SGD, momentum, AdaGrad, RMSProp, Adam.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank

    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_ml.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)
