# ruff: noqa: E501  (the hand-made MSPDI file below reads best one element a line)
"""A hand-made MSPDI file with what the samples lack: work weeks, a derived calendar overriding a day,
percent and elapsed lags, links to a summary task and to another project, a blank row, Must Start On."""

from __future__ import annotations

DAY = "<WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime><WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime></WorkingTimes>"
WEEK = "".join(
    f"<WeekDay><DayType>{d}</DayType><DayWorking>{int(2 <= d <= 6)}</DayWorking>{DAY if 2 <= d <= 6 else ''}</WeekDay>"
    for d in range(1, 8)
)

MSPDI = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <Name>handmade.xml</Name><Title>Hand made</Title><StartDate>2024-01-01T08:00:00</StartDate><CriticalSlackLimit>2</CriticalSlackLimit>
  <CalendarUID>1</CalendarUID><MinutesPerDay>480</MinutesPerDay><MinutesPerWeek>2400</MinutesPerWeek><StatusDate>2024-01-03T17:00:00</StatusDate>
  <Calendars>
    <Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar><BaseCalendarUID>-1</BaseCalendarUID>
      <WeekDays>{WEEK}</WeekDays>
      <WorkWeeks><WorkWeek><TimePeriod><FromDate>2024-07-01T00:00:00</FromDate><ToDate>2024-07-14T23:59:00</ToDate></TimePeriod><Name>Summer</Name>
        <WeekDays><WeekDay><DayType>6</DayType><DayWorking>0</DayWorking></WeekDay></WeekDays></WorkWeek></WorkWeeks>
    </Calendar>
    <Calendar><UID>2</UID><Name>Saturdays too</Name><IsBaseCalendar>0</IsBaseCalendar><BaseCalendarUID>1</BaseCalendarUID>
      <WeekDays><WeekDay><DayType>7</DayType><DayWorking>1</DayWorking><WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime></WorkingTimes></WeekDay></WeekDays>
    </Calendar>
  </Calendars>
  <Tasks>
    <Task><UID>0</UID><ID>0</ID><Name>Hand made</Name><OutlineLevel>0</OutlineLevel><Summary>1</Summary></Task>
    <Task><UID>10</UID><ID>1</ID><Name>Phase</Name><OutlineNumber>1</OutlineNumber><OutlineLevel>1</OutlineLevel><Summary>1</Summary></Task>
    <Task><UID>11</UID><ID>2</ID><Name>Design</Name><OutlineNumber>1.1</OutlineNumber><OutlineLevel>2</OutlineLevel><Summary>0</Summary>
      <Start>2024-01-01T08:00:00</Start><Finish>2024-01-05T17:00:00</Finish><Duration>PT40H0M0S</Duration><DurationFormat>7</DurationFormat>
      <ActualStart>2024-01-01T08:00:00</ActualStart><ActualDuration>PT24H0M0S</ActualDuration><RemainingDuration>PT16H0M0S</RemainingDuration>
      <ConstraintType>2</ConstraintType><ConstraintDate>2024-01-01T08:00:00</ConstraintDate></Task>
    <Task><UID>12</UID><ID>3</ID><Name>Build</Name><OutlineNumber>1.2</OutlineNumber><OutlineLevel>2</OutlineLevel><Summary>0</Summary>
      <Start>2024-01-08T08:00:00</Start><Finish>2024-01-08T17:00:00</Finish><Duration>PT8H0M0S</Duration><DurationFormat>7</DurationFormat><CalendarUID>2</CalendarUID>
      <ConstraintType>6</ConstraintType><ConstraintDate>2024-01-08T08:00:00</ConstraintDate><Deadline>2024-02-01T17:00:00</Deadline>
      <PredecessorLink><PredecessorUID>11</PredecessorUID><Type>1</Type><LinkLag>50</LinkLag><LagFormat>19</LagFormat></PredecessorLink>
      <PredecessorLink><PredecessorUID>10</PredecessorUID><Type>1</Type><LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink>
      <PredecessorLink><PredecessorUID>99</PredecessorUID><Type>1</Type><CrossProject>1</CrossProject><LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink></Task>
    <Task><UID>13</UID><ID>4</ID><IsNull>1</IsNull></Task>
    <Task><UID>16</UID><ID>7</ID><Name>Other project's task</Name><OutlineLevel>1</OutlineLevel><ExternalTask>1</ExternalTask><Duration>PT8H0M0S</Duration></Task>
    <Task><UID>14</UID><ID>5</ID><Name>Cure</Name><OutlineNumber>2</OutlineNumber><OutlineLevel>1</OutlineLevel><Summary>0</Summary>
      <Start>2024-01-09T08:00:00</Start><Finish>2024-01-09T17:00:00</Finish><Duration>PT8H0M0S</Duration><DurationFormat>7</DurationFormat>
      <ActualFinish>2024-01-09T17:00:00</ActualFinish>
      <PredecessorLink><PredecessorUID>16</PredecessorUID><Type>1</Type><LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink>
      <PredecessorLink><PredecessorUID>12</PredecessorUID><Type>0</Type><LinkLag>14400</LinkLag><LagFormat>8</LagFormat></PredecessorLink></Task>
    <Task><UID>15</UID><ID>6</ID><Name>Done</Name><OutlineNumber>3</OutlineNumber><OutlineLevel>1</OutlineLevel><Summary>0</Summary><Milestone>1</Milestone>
      <Start>2024-01-10T08:00:00</Start><Finish>2024-01-10T08:00:00</Finish><Duration>PT0H0M0S</Duration>
      <PredecessorLink><PredecessorUID>14</PredecessorUID><Type>3</Type><LinkLag>-2400</LinkLag><LagFormat>5</LagFormat></PredecessorLink></Task>
  </Tasks>
</Project>
"""
