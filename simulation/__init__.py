"""Lending economics and policy evaluation on arrays (no streamlit).

Build a :class:`~simulation.book.Book` (``book_from_holdout``), read the dataset's
:class:`~simulation.economics.Economics` (``economics_from_spec``), then:

- ``policy.evaluate(book, economics, policy)`` -> ``PolicyResult`` for one policy;
- ``curve.profit_curve(book, economics)`` -> ``ProfitCurve``; ``curve.at(cutoff)`` answers a
  cut-off in microseconds, ``curve.optimum(...)`` finds the best one under constraints;
- ``bootstrap.bootstrap_curve(curve)`` -> bands; ``swap.swap_set``, ``fairness.fairness_screen``,
  ``scenarios.compare_scenarios``, ``replay.replay`` for the comparisons;
- ``strategy.Strategy`` and ``memo.build_memo`` to save and report a decision.

Formulas, units and a worked example are in ``docs/simulation.md``.
"""
