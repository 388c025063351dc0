"""The ticket state machine is one table: the moves the plans services make (schedule when
planned, finish when work is recorded, close or send back after the next inventory) are in
MOVES and SYSTEM_MOVES, and nothing outside them is allowed."""

from __future__ import annotations

import pytest

from collector.domain.tickets import (
    MOVES,
    SYSTEM_MOVES,
    Action,
    MoveError,
    Status,
    allowed_move,
    system_move,
)


def test_the_plans_moves_are_in_the_table() -> None:
    assert allowed_move(Action.SCHEDULE, Status.APPROVED) is Status.SCHEDULED
    assert allowed_move(Action.FINISH, Status.SCHEDULED) is Status.DONE
    assert allowed_move(Action.FINISH, Status.IN_PROGRESS) is Status.DONE
    assert system_move(Status.DONE, Status.CLOSED) is Status.CLOSED
    assert system_move(Status.DONE, Status.APPROVED) is Status.APPROVED


@pytest.mark.parametrize("current", list(Status))
def test_nothing_else_moves(current: Status) -> None:
    people = {after for moves in MOVES.values() for before, after in moves.items()
              if before is current}  # fmt: skip
    for after in Status:
        if (current, after) in SYSTEM_MOVES:
            assert system_move(current, after) is after
        else:
            with pytest.raises(MoveError):
                system_move(current, after)
    if current in {Status.NEW, Status.REVIEWED, Status.APPROVED}:
        assert Status.DONE not in people  # work is finished only once scheduled
    assert allowed_move(Action.FINISH, current) in {None, Status.DONE}
