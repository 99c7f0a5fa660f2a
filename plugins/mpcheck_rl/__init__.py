"""Built-in topic: reinforcement learning (course chapter 9)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("rl", "Reinforcement learning", chapter="9",
              summary="MDPs and gridworlds, Bellman sweeps, greedy policies, TD/SARSA/Q-learning, "
                      "epsilon-greedy, REINFORCE, DQN targets.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_rl import GENERATOR_MODULES
    import importlib

    for name in GENERATOR_MODULES:
        for generator in importlib.import_module(f"mpcheck_rl.{name}").GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


GENERATOR_MODULES = ("returns", "planning", "greedy", "td", "exploration", "policy_gradient", "dqn")


@hookimpl
def register_references(register):
    from mpcheck_rl.references import REFERENCES

    for reference in REFERENCES:
        register(reference)


@hookimpl
def register_derivations(register):
    from mpcheck_rl.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)
