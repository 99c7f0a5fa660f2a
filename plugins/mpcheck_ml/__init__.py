"""Built-in topic: ML basics and optimisation (course chapter 12)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("ml", "ML basics and optimisation", chapter="12",
              summary="Activations, losses, backprop, perceptron, SGD, momentum, AdaGrad, RMSProp, Adam.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_ml import activations, adam, adaptive, backprop, losses, momentum, perceptron, softmax

    modules = (activations, losses, softmax, backprop, perceptron, momentum, adaptive, adam)
    for generator in [*(g for module in modules for g in module.GENERATORS), *builtin_bank(TOPIC.name)]:
        register(generator)


@hookimpl
def register_derivations(register):
    from mpcheck_ml.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)


@hookimpl
def register_references(register):
    from mpcheck_ml.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
