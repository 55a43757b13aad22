-- CreateTable
CREATE TABLE "MeetingPoll" (
    "id" TEXT NOT NULL,
    "number" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "organizerId" TEXT NOT NULL,
    "durationMinutes" INTEGER NOT NULL DEFAULT 60,
    "location" TEXT,
    "inviteeIds" TEXT[],
    "channelPlatform" "Platform",
    "channelRef" TEXT,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "meetingId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MeetingPoll_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MeetingPollOption" (
    "id" TEXT NOT NULL,
    "pollId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MeetingPollOption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MeetingPollVote" (
    "id" TEXT NOT NULL,
    "optionId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MeetingPollVote_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MeetingPoll_number_key" ON "MeetingPoll"("number");

-- CreateIndex
CREATE UNIQUE INDEX "MeetingPollOption_pollId_position_key" ON "MeetingPollOption"("pollId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "MeetingPollVote_optionId_memberId_key" ON "MeetingPollVote"("optionId", "memberId");

-- AddForeignKey
ALTER TABLE "MeetingPoll" ADD CONSTRAINT "MeetingPoll_organizerId_fkey" FOREIGN KEY ("organizerId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MeetingPollOption" ADD CONSTRAINT "MeetingPollOption_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "MeetingPoll"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MeetingPollVote" ADD CONSTRAINT "MeetingPollVote_optionId_fkey" FOREIGN KEY ("optionId") REFERENCES "MeetingPollOption"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MeetingPollVote" ADD CONSTRAINT "MeetingPollVote_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
