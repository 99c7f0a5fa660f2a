"""Built-in topic: ML basics and optimisation (course chapter 12)."""

from mpcheck.api import Reference, Topic, hookimpl

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


def _reference(name: str, title: str, oracle: str, module: str) -> Reference:
    """Checked by ``mpcheck_ml.references.<module>:check_<name>``; torch loads only when it runs."""
    source = f"mpcheck_ml.references.{module}"
    return Reference(TOPIC.name, name, title, oracle=oracle, run=f"{source}:check_{name.replace('-', '_')}",
                     source=source)


@hookimpl
def register_references(register):
    for reference in (
        _reference("sgd-momentum", "SGD with Polyak momentum", "torch.optim.SGD(momentum=α)", "optimizers"),
        _reference("nesterov", "Nesterov momentum", "torch.optim.SGD(momentum=α, nesterov=True)", "optimizers"),
        _reference("adagrad", "AdaGrad", "torch.optim.Adagrad", "optimizers"),
        _reference("rmsprop", "RMSProp", "torch.optim.RMSprop", "optimizers"),
        _reference("adam", "Adam with bias correction", "torch.optim.Adam", "optimizers"),
        _reference("mlp-backprop", "Two-layer MLP, manual backward pass", "autograd", "backprop"),
        _reference("softmax-ce-grad", "Softmax + cross-entropy gradient", "autograd on F.cross_entropy", "softmax"),
    ):
        register(reference)
