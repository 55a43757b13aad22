-- AlterTable
ALTER TABLE "Thread" ADD COLUMN     "postRef" TEXT;

-- AlterTable
ALTER TABLE "Update" ADD COLUMN     "editedAt" TIMESTAMP(3),
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "withdrawnAt" TIMESTAMP(3),
ADD COLUMN     "withdrawnById" TEXT;
