-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "remindersSet" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "MemberReminderTimes" (
    "memberId" TEXT NOT NULL,
    "minutes" INTEGER[],
    "chosen" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberReminderTimes_pkey" PRIMARY KEY ("memberId")
);

-- AddForeignKey
ALTER TABLE "MemberReminderTimes" ADD CONSTRAINT "MemberReminderTimes_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Meetings planned before this with their own `herinnering:` keep them for every invitee.
UPDATE "Meeting" SET "remindersSet" = true WHERE "reminderMinutes" <> ARRAY[1440, 60];
