//! `FeedStore` for [`SqlStore`]: posts and reposts with their hashtags and mentions,
//! reactions, impressions, followed hashtags and the member's feed settings, with the post
//! rows they read. Comments are written by `comments.rs`, reactions by `reactions.rs` and
//! impressions by `impressions.rs`, which this implementation calls.
//!
//! Every transaction starts with a write (as elsewhere in this crate), so SQLite takes its
//! write lock first and never has to upgrade a read snapshot. Counters on `posts` change in
//! the same transaction as the rows they count.

use async_trait::async_trait;
use guild_core::accounts::model::MemberId;
use guild_core::feed::model::*;
use guild_core::feed::store::FeedStore;
use guild_core::store::{StoreError, StoreResult};

use crate::errors::reference_err;
use crate::reactions::Reactable;
use crate::sql::{bind_all, exec, vals, Sql};
use crate::{db_err, with_pool, SqlStore};

/// Media keys and folded hashtags are stored comma-separated ('' for none); neither can
/// contain a comma (random keys; tags are word characters).
pub(crate) fn join_list(items: &[String]) -> String {
    items.join(",")
}

pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(sqlx::FromRow)]
pub(crate) struct PostRow {
    id: i64,
    author_id: i64,
    kind: String,
    title: Option<String>,
    body: String,
    body_html: String,
    visibility: String,
    repost_of: Option<i64>,
    repost_deleted: bool,
    images: String,
    cover: Option<String>,
    hashtags: String,
    created_at: i64,
    edited_at: Option<i64>,
    reaction_count: i64,
    comment_count: i64,
    repost_count: i64,
    impression_count: i64,
}

pub(crate) const POST_COLS: &str = "id, author_id, kind, title, body, body_html, visibility, \
     repost_of, repost_deleted, images, cover, hashtags, created_at, edited_at, \
     reaction_count, comment_count, repost_count, impression_count";

impl From<PostRow> for Post {
    fn from(r: PostRow) -> Post {
        Post {
            id: r.id,
            author_id: r.author_id,
            kind: PostKind::from_db(&r.kind),
            title: r.title,
            body: r.body,
            body_html: r.body_html,
            visibility: PostVisibility::from_db(&r.visibility),
            repost_of: r.repost_of,
            repost_deleted: r.repost_deleted,
            images: split_list(&r.images),
            cover: r.cover,
            hashtags: split_list(&r.hashtags),
            created_at: r.created_at,
            edited_at: r.edited_at,
            counts: PostCounts {
                reactions: r.reaction_count,
                comments: r.comment_count,
                reposts: r.repost_count,
                impressions: r.impression_count,
            },
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct IndexedPostRow {
    id: i64,
    author_id: i64,
    kind: String,
    visibility: String,
    repost_of: Option<i64>,
    repost_deleted: bool,
    hashtags: String,
    created_at: i64,
    reaction_count: i64,
    comment_count: i64,
    repost_count: i64,
    impression_count: i64,
}

pub(crate) const INDEXED_POST_COLS: &str = "id, author_id, kind, visibility, repost_of, \
     repost_deleted, hashtags, created_at, reaction_count, comment_count, repost_count, \
     impression_count";

impl From<IndexedPostRow> for IndexedPost {
    fn from(r: IndexedPostRow) -> IndexedPost {
        IndexedPost {
            id: r.id,
            author_id: r.author_id,
            kind: PostKind::from_db(&r.kind),
            visibility: PostVisibility::from_db(&r.visibility),
            is_repost: r.repost_of.is_some() || r.repost_deleted,
            hashtags: split_list(&r.hashtags),
            created_at: r.created_at,
            counts: PostCounts {
                reactions: r.reaction_count,
                comments: r.comment_count,
                reposts: r.repost_count,
                impressions: r.impression_count,
            },
        }
    }
}

/// The statements that write a post's hashtags and mentions (none when both are empty).
/// Ids and times are integers from core and are written inline; tags are values.
fn tag_and_mention_inserts<'a>(
    post: PostId,
    created_at: i64,
    tags: &'a [String],
    mentions: &[MemberId],
) -> Vec<Sql<'a>> {
    let mut out = Vec::new();
    if !tags.is_empty() {
        let mut sql = Sql::new("INSERT INTO post_hashtags (tag, post_id, created_at) VALUES ");
        let rows: Vec<String> = tags
            .iter()
            .map(|t| format!("({}, {post}, {created_at})", sql.arg(t)))
            .collect();
        sql.push(&rows.join(", "));
        sql.push(" ON CONFLICT DO NOTHING");
        out.push(sql);
    }
    if let Some(s) = member_rows("post_mentions (post_id, member_id)", post, mentions) {
        out.push(Sql::new(s));
    }
    out
}

/// `INSERT INTO {table} VALUES (owner, member), …` for a list of mentioned members.
pub(crate) fn member_rows(table: &str, owner: i64, members: &[MemberId]) -> Option<String> {
    if members.is_empty() {
        return None;
    }
    let rows: Vec<String> = members.iter().map(|m| format!("({owner}, {m})")).collect();
    Some(format!(
        "INSERT INTO {table} VALUES {} ON CONFLICT DO NOTHING",
        rows.join(", ")
    ))
}

impl SqlStore {
    async fn set_member_text(
        &self,
        column: &str,
        value: &str,
        member: MemberId,
    ) -> StoreResult<()> {
        let sql = format!("UPDATE members SET {column} = $1 WHERE id = $2");
        let n = self.run(&sql, &vals![value, member]).await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

#[async_trait]
impl FeedStore for SqlStore {
    async fn create_post(&self, new: &NewPost) -> StoreResult<Post> {
        let images = join_list(&new.images);
        let hashtags = join_list(&new.hashtags);
        let insert = "INSERT INTO posts (author_id, kind, title, body, body_html, visibility, \
                 repost_of, images, cover, hashtags, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
        let post = vals![
            new.author_id,
            new.kind.as_str(),
            &new.title,
            &new.body,
            &new.body_html,
            new.visibility.as_str(),
            new.repost_of,
            &images,
            &new.cover,
            &hashtags,
            new.created_at,
        ];
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let id: i64 = bind_all!(sqlx::query_scalar(insert), &post)
                .fetch_one(&mut *tx)
                .await
                .map_err(reference_err)?;
            for s in tag_and_mention_inserts(id, new.created_at, &new.hashtags, &new.mentions) {
                bind_all!(sqlx::query(&s.text), &s.binds)
                    .execute(&mut *tx)
                    .await
                    .map_err(reference_err)?;
            }
            if let Some(original) = new.repost_of {
                exec!(
                    tx,
                    "UPDATE posts SET repost_count = repost_count + 1 WHERE id = $1",
                    [original]
                )?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(Post {
                id,
                author_id: new.author_id,
                kind: new.kind,
                title: new.title.clone(),
                body: new.body.clone(),
                body_html: new.body_html.clone(),
                visibility: new.visibility,
                repost_of: new.repost_of,
                repost_deleted: false,
                images: split_list(&images),
                cover: new.cover.clone(),
                hashtags: split_list(&hashtags),
                created_at: new.created_at,
                edited_at: None,
                counts: PostCounts::default(),
            })
        })
    }

    async fn post(&self, id: PostId) -> StoreResult<Option<Post>> {
        let sql = format!("SELECT {POST_COLS} FROM posts WHERE id = $1");
        self.fetch_optional::<PostRow, _>(&sql, &vals![id]).await
    }

    async fn posts_by_ids(&self, ids: &[PostId]) -> StoreResult<Vec<Post>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {POST_COLS} FROM posts WHERE id IN {}",
            self.id_set(1)
        );
        self.fetch_all::<PostRow, _>(&sql, &vals![self.id_array(ids)])
            .await
    }

    async fn update_post(
        &self,
        id: PostId,
        author: MemberId,
        edit: &PostEdit,
    ) -> StoreResult<Option<Post>> {
        let update = format!(
            "UPDATE posts SET title = $1, body = $2, body_html = $3, visibility = $4, \
             images = $5, cover = $6, hashtags = $7, edited_at = $8 \
             WHERE id = $9 AND author_id = $10 RETURNING {POST_COLS}"
        );
        let images = join_list(&edit.images);
        let hashtags = join_list(&edit.hashtags);
        let binds = vals![
            &edit.title,
            &edit.body,
            &edit.body_html,
            edit.visibility.as_str(),
            &images,
            &edit.cover,
            &hashtags,
            edit.edited_at,
            id,
            author,
        ];
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row: Option<PostRow> = bind_all!(sqlx::query_as(&update), &binds)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            let Some(post) = row.map(Post::from) else {
                return Ok(None);
            };
            for table in ["post_hashtags", "post_mentions"] {
                exec!(tx, &format!("DELETE FROM {table} WHERE post_id = $1"), [id])?;
            }
            for s in tag_and_mention_inserts(id, post.created_at, &edit.hashtags, &edit.mentions) {
                bind_all!(sqlx::query(&s.text), &s.binds)
                    .execute(&mut *tx)
                    .await
                    .map_err(reference_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(Some(post))
        })
    }

    async fn delete_post(&self, id: PostId, author: MemberId) -> StoreResult<bool> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            // Reposts stay, marked (the foreign key then clears their `repost_of`).
            exec!(
                tx,
                "UPDATE posts SET repost_deleted = TRUE WHERE repost_of = $1 \
                 AND EXISTS (SELECT 1 FROM posts o WHERE o.id = $1 AND o.author_id = $2)",
                [id, author]
            )?;
            // Hashtags, mentions, comments (and theirs), reactions, impressions and the
            // notifications about the post go with it by cascade.
            let gone: Option<Option<i64>> = sqlx::query_scalar(
                "DELETE FROM posts WHERE id = $1 AND author_id = $2 RETURNING repost_of",
            )
            .bind(id)
            .bind(author)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            let Some(repost_of) = gone else {
                return Ok(false);
            };
            if let Some(original) = repost_of {
                exec!(
                    tx,
                    "UPDATE posts SET repost_count = repost_count - 1 WHERE id = $1",
                    [original]
                )?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    async fn posts_by_author(
        &self,
        author: MemberId,
        connections_too: bool,
        before: Option<(i64, PostId)>,
        limit: u32,
    ) -> StoreResult<Vec<Post>> {
        let mut sql = Sql::new(format!("SELECT {POST_COLS} FROM posts WHERE author_id = "));
        let a = sql.arg(author);
        sql.push(&a);
        if !connections_too {
            let v = sql.arg(PostVisibility::Anyone.as_str());
            sql.push(&format!(" AND visibility = {v}"));
        }
        sql.newest_first(before, limit);
        self.fetch_all::<PostRow, _>(&sql.text, &sql.binds).await
    }

    async fn all_indexed_posts(&self) -> StoreResult<Vec<IndexedPost>> {
        let sql = format!("SELECT {INDEXED_POST_COLS} FROM posts ORDER BY id");
        self.fetch_all::<IndexedPostRow, _>(&sql, &[]).await
    }

    async fn activity_since(&self, since: i64) -> StoreResult<Vec<PostActivity>> {
        // A repost is activity on its original; one whose original is gone is left out.
        let sql = "SELECT post_id, member_id, 'reacted' AS kind, created_at FROM reactions \
             WHERE created_at >= $1 \
             UNION ALL \
             SELECT post_id, author_id, 'commented', created_at FROM comments \
             WHERE created_at >= $1 \
             UNION ALL \
             SELECT repost_of, author_id, 'reposted', created_at FROM posts \
             WHERE repost_of IS NOT NULL AND created_at >= $1 \
             ORDER BY 4";
        let rows: Vec<(i64, i64, String, i64)> = self
            .fetch_all::<(i64, i64, String, i64), _>(sql, &vals![since])
            .await?;
        Ok(rows
            .into_iter()
            .map(|(post_id, actor_id, kind, at)| PostActivity {
                post_id,
                actor_id,
                kind: match kind.as_str() {
                    "commented" => ActivityKind::Commented,
                    "reposted" => ActivityKind::Reposted,
                    _ => ActivityKind::Reacted,
                },
                at,
            })
            .collect())
    }

    async fn impressions_since(&self, since_day: i64) -> StoreResult<Vec<(MemberId, PostId, i64)>> {
        let sql = "SELECT viewer_id, post_id, first_at FROM post_impressions WHERE day >= $1";
        self.fetch_all::<(i64, i64, i64), _>(sql, &vals![since_day])
            .await
    }

    async fn set_reaction(
        &self,
        post: PostId,
        member: MemberId,
        kind: ReactionKind,
        now: i64,
    ) -> StoreResult<Option<ReactionKind>> {
        self.set_reaction_on(Reactable::Post, post, member, kind, now)
            .await
    }

    async fn remove_reaction(&self, post: PostId, member: MemberId) -> StoreResult<bool> {
        self.remove_reaction_on(Reactable::Post, post, member).await
    }

    async fn reaction_counts(&self, post: PostId) -> StoreResult<Vec<(ReactionKind, i64)>> {
        let sql = "SELECT kind, COUNT(*) AS n FROM reactions WHERE post_id = $1 \
                   GROUP BY kind ORDER BY n DESC, kind";
        let rows: Vec<(String, i64)> = self
            .fetch_all::<(String, i64), _>(sql, &vals![post])
            .await?;
        Ok(rows
            .into_iter()
            .map(|(k, n)| (ReactionKind::from_db(&k), n))
            .collect())
    }

    async fn reaction_counts_for(
        &self,
        posts: &[PostId],
        viewer: Option<MemberId>,
    ) -> StoreResult<Vec<ReactionTally>> {
        if posts.is_empty() {
            return Ok(Vec::new());
        }
        // A member id no one has stands for "nobody" when the asker is anonymous.
        let sql = format!(
            "SELECT post_id, kind, COUNT(*), \
             SUM(CASE WHEN member_id = $1 THEN 1 ELSE 0 END) \
             FROM reactions WHERE post_id IN {} GROUP BY post_id, kind",
            self.id_set(2)
        );
        let binds = vals![viewer.unwrap_or(0), self.id_array(posts)];
        let rows: Vec<(i64, String, i64, i64)> = self
            .fetch_all::<(i64, String, i64, i64), _>(&sql, &binds)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(post, kind, count, mine)| ReactionTally {
                post,
                kind: ReactionKind::from_db(&kind),
                count,
                mine: mine > 0,
            })
            .collect())
    }

    async fn reactors(
        &self,
        post: PostId,
        limit: u32,
    ) -> StoreResult<Vec<(MemberId, ReactionKind)>> {
        let sql = "SELECT member_id, kind FROM reactions WHERE post_id = $1 \
                   ORDER BY created_at DESC, member_id DESC LIMIT $2";
        let rows: Vec<(i64, String)> = self
            .fetch_all::<(i64, String), _>(sql, &vals![post, limit])
            .await?;
        Ok(rows
            .into_iter()
            .map(|(m, k)| (m, ReactionKind::from_db(&k)))
            .collect())
    }

    async fn create_comment(&self, c: &NewComment) -> StoreResult<Comment> {
        self.insert_comment(c).await
    }

    async fn comment(&self, id: i64) -> StoreResult<Option<Comment>> {
        self.comment_by_id(id).await
    }

    async fn comments(
        &self,
        post: PostId,
        after: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<Comment>> {
        self.comments_of(post, after, limit).await
    }

    async fn update_comment(
        &self,
        id: i64,
        author: MemberId,
        body: &str,
        body_html: &str,
        now: i64,
    ) -> StoreResult<Option<Comment>> {
        self.edit_comment(id, author, body, body_html, now).await
    }

    async fn delete_comment(&self, id: i64, member: MemberId) -> StoreResult<bool> {
        self.remove_comment(id, member).await
    }

    async fn set_comment_reaction(
        &self,
        comment: i64,
        member: MemberId,
        kind: ReactionKind,
        now: i64,
    ) -> StoreResult<Option<ReactionKind>> {
        self.set_reaction_on(Reactable::Comment, comment, member, kind, now)
            .await
    }

    async fn remove_comment_reaction(&self, comment: i64, member: MemberId) -> StoreResult<bool> {
        self.remove_reaction_on(Reactable::Comment, comment, member)
            .await
    }

    async fn my_comment_reactions(
        &self,
        member: MemberId,
        comments: &[i64],
    ) -> StoreResult<Vec<(i64, ReactionKind)>> {
        self.my_reactions_on(Reactable::Comment, member, comments)
            .await
    }

    async fn record_impressions(&self, seen: &[Impression]) -> StoreResult<Vec<Impression>> {
        crate::impressions::record_impressions(self, seen).await
    }

    async fn unique_viewers(&self, post: PostId) -> StoreResult<i64> {
        let sql = "SELECT COUNT(DISTINCT viewer_id) FROM post_impressions WHERE post_id = $1";
        self.scalar(sql, &vals![post]).await
    }

    async fn engaged_members(&self, post: PostId, author: MemberId) -> StoreResult<i64> {
        let sql = "SELECT COUNT(*) FROM (\
               SELECT member_id AS who FROM reactions WHERE post_id = $1 \
               UNION SELECT author_id FROM comments WHERE post_id = $1 \
               UNION SELECT author_id FROM posts WHERE repost_of = $1\
             ) engaged WHERE who <> $2";
        self.scalar(sql, &vals![post, author]).await
    }

    async fn follow_hashtag(
        &self,
        member: MemberId,
        tag: &str,
        on: bool,
        now: i64,
    ) -> StoreResult<bool> {
        let n = if on {
            let sql = "INSERT INTO hashtag_follows (member_id, tag, created_at) \
                       VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
            self.run(sql, &vals![member, tag, now]).await?
        } else {
            let sql = "DELETE FROM hashtag_follows WHERE member_id = $1 AND tag = $2";
            self.run(sql, &vals![member, tag]).await?
        };
        Ok(n > 0)
    }

    async fn followed_hashtags(&self, member: MemberId) -> StoreResult<Vec<String>> {
        let sql = "SELECT tag FROM hashtag_follows WHERE member_id = $1 ORDER BY tag";
        self.scalars(sql, &vals![member]).await
    }

    async fn feed_prefs(&self, member: MemberId) -> StoreResult<FeedPrefs> {
        let sql = "SELECT feed_sort, digest, COALESCE(NULLIF(digest_sent_at, 0), created_at) \
                   FROM members WHERE id = $1";
        let row: Option<(String, String, i64)> = self
            .fetch_optional::<(String, String, i64), _>(sql, &vals![member])
            .await?;
        let (sort, digest, sent) = row.ok_or(StoreError::NotFound)?;
        Ok(FeedPrefs {
            sort: FeedSort::from_db(&sort),
            digest: Digest::from_db(&digest),
            digest_sent_at: sent,
        })
    }

    async fn set_feed_sort(&self, member: MemberId, sort: FeedSort) -> StoreResult<()> {
        self.set_member_text("feed_sort", sort.as_str(), member)
            .await
    }

    async fn set_digest(&self, member: MemberId, digest: Digest) -> StoreResult<()> {
        self.set_member_text("digest", digest.as_str(), member)
            .await
    }
}
